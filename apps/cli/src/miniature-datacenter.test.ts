import { testMiniaturesOf } from './miniature-suite.fixture';

// datacenter-64g cut down to an 8 GiB host: the longest full runs, in a file of their own so that the
// test runner runs them beside the others.
testMiniaturesOf(['datacenter-8g']);
