// The runtime with Ferry's own monitor (monitor.ts), used where conmon is not installed.
import { runtimeSuite } from './container-runtime-suite.ts';

runtimeSuite('node');
