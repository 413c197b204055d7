/**
 * The environment's regions as the program builds them: one subnet, router, NAT and regional
 * cluster per region, the primary region (`gcp:region`) first. Pure: the settings are already
 * validated (core/config-schema.ts checks zones and ranges per region).
 */
import type { EnvironmentConfig, RegionRanges } from './config-schema';

export interface RegionPlan extends RegionRanges {
  readonly region: string;
  /** The first region, `gcp:region`: data stores, the registry, and the names single-region stacks always had. */
  readonly primary: boolean;
  /**
   * Appended to the names of the region's resources: `''` for the primary region, so a
   * single-region stack's names never change, and `-<region>` for the others.
   */
  readonly suffix: string;
  /** The zones of the region's node pool and gateway NEGs, in the order configured. */
  readonly zones: readonly string[];
}

export type RegionSettings = Pick<
  EnvironmentConfig,
  'regions' | 'zones' | 'regionRanges' | 'subnetCidr' | 'podsCidr' | 'servicesCidr' | 'masterCidr'
>;

/** The zones of `zones` in `region` (a zone is `<region>-<letter>`). */
export function zonesOf(region: string, zones: readonly string[]): string[] {
  return zones.filter((zone) => zone.startsWith(`${region}-`));
}

/** One plan per region, in the order of `platform:regions`. */
export function regionPlans(settings: RegionSettings): RegionPlan[] {
  return settings.regions.map((region, i) => {
    const primary = i === 0;
    const ranges: RegionRanges = primary ? settings : settings.regionRanges[region];
    if (ranges === undefined) throw new Error(`regionPlans: no ranges for ${region}; parseEnvironment refuses such settings`);
    return {
      region,
      primary,
      suffix: primary ? '' : `-${region}`,
      zones: zonesOf(region, settings.zones),
      subnetCidr: ranges.subnetCidr,
      podsCidr: ranges.podsCidr,
      servicesCidr: ranges.servicesCidr,
      masterCidr: ranges.masterCidr,
    };
  });
}
