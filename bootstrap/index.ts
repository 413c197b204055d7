/**
 * The bootstrap program (`bootstrap/Pulumi.yaml`), run by an administrator:
 * `pulumi up --cwd bootstrap --stack dev|staging|prod`. Thin on purpose.
 */
import * as path from 'node:path';
import { bootstrapApps, configSyncNamespaces, defineBootstrap } from './bootstrap';
import { loadBootstrapConfig } from './config';

const config = loadBootstrapConfig();
const root = path.resolve(__dirname, '..');
export = defineBootstrap(config, bootstrapApps(config.stack, root), configSyncNamespaces(config.stack, root));
