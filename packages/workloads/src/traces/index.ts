export { NO_CONTENT } from './decoder';
export { TraceFileError, TraceFormatError, type TraceLocation } from './errors';
export { checkTraceFile, DEFAULT_BUFFER_BYTES } from './file-chunks';
export { DenseIdMap, MAX_DENSE_IDS } from './id-map';
export { ORACLE_GENERAL_RECORD_BYTES } from './oracle-general';
export {
  MIN_BUFFER_BYTES,
  openTrace,
  TRACE_FORMATS,
  type TraceFormat,
  type TraceReader,
  type TraceReaderOptions,
} from './reader';
export {
  createTraceWorkload,
  type TraceOptions,
  type TraceOptionsInput,
  type TraceWorkload,
  trace,
  traceOptions,
} from './workload';
