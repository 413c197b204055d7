/**
 * The CrossGuard policy pack (`PulumiPolicy.yaml`): `pulumi preview --policy-pack policies`.
 * Thin: the rules live in the catalogue, the wiring in pack.ts.
 */
import * as path from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { RULES, ruleIds } from './catalogue';
import { today } from './engine';
import { loadExceptions } from './exceptions';
import { stackPolicies } from './pack';

const exceptions = loadExceptions(path.join(__dirname, 'exceptions.yaml'), ruleIds());
new PolicyPack('platform-policies', { policies: stackPolicies(RULES, exceptions, today()) });
