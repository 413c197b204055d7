/**
 * The bootstrap program (`bootstrap/Pulumi.yaml`), run by an administrator:
 * `pulumi up --cwd bootstrap --stack dev|staging|prod`. Thin on purpose.
 */
import * as path from 'node:path';
import { bootstrapApps, defineBootstrap } from './bootstrap';
import { loadBootstrapConfig } from './config';

const config = loadBootstrapConfig();
export = defineBootstrap(config, bootstrapApps(config.stack, path.resolve(__dirname, '..')));
