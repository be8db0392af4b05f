// The runtime with conmon, the default monitor where it is installed (Debian `conmon`).
import { runtimeSuite } from './container-runtime-suite.ts';

runtimeSuite('conmon');
