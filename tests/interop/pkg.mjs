// Where the interop tests find the packed cognito-wasm: $COGNITO_WASM_PKG (stage_interop sets it),
// else the copy stage_package_tests installs (scripts/build-pkg.sh && scripts/pack-install.sh
// tests/js/.scratch).
import { join } from 'node:path';

import { REPO_ROOT } from '../emulator/harness.mjs';

export const PKG_DIR = process.env.COGNITO_WASM_PKG ?? join(REPO_ROOT, 'tests/js/.scratch/node_modules/cognito-wasm');
