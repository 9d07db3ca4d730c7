import { testMiniaturesOf } from './miniature-suite.fixture';

// The demo, four of the papers' setups and a trace replay: each runs in seconds in full.
testMiniaturesOf(['demo', 'esx-fig7', 'esx-fig4', 'meb-balance', 'lackey']);
