/** A count of 4 KiB pages or frames. */
export type Pages = number;
/** A count of bytes. */
export type Bytes = number;
/** Simulated time in nanoseconds (a float64 counts exactly to 104 days). */
export type SimTime = number;
