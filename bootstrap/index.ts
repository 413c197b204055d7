/**
 * The bootstrap program (`bootstrap/Pulumi.yaml`), run by an administrator:
 * `pulumi up --cwd bootstrap --stack dev|staging|prod`. Thin on purpose.
 */
import * as path from 'node:path';
import { DEFAULT_CATALOGUE, loadCatalogue } from '../services/catalogue-module';
import { defineBootstrap } from './bootstrap';
import { loadBootstrapConfig } from './config';

export = defineBootstrap(loadBootstrapConfig(), loadCatalogue(DEFAULT_CATALOGUE, path.resolve(__dirname, '..')));
