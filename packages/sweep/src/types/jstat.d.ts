// jstat ships no types: the one function hvsim uses.
declare module 'jstat' {
  const jstat: {
    readonly jStat: {
      readonly studentt: {
        /** The quantile of Student's t distribution with `dof` degrees of freedom at probability `p`. */
        inv(p: number, dof: number): number;
      };
    };
  };
  export default jstat;
}
