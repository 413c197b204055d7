import { regionPlans, zonesOf } from './regions';

const PRIMARY = { subnetCidr: '10.10.0.0/20', podsCidr: '10.20.0.0/14', servicesCidr: '10.24.0.0/20', masterCidr: '172.16.0.0/28' };
const WEST4 = { subnetCidr: '10.11.0.0/20', podsCidr: '10.40.0.0/14', servicesCidr: '10.25.0.0/20', masterCidr: '172.16.0.16/28' };

describe('regionPlans', () => {
  it('gives a single region the top-level ranges, every zone and no name suffix (the names single-region stacks always had)', () => {
    expect(regionPlans({ ...PRIMARY, regions: ['europe-west1'], zones: ['europe-west1-b', 'europe-west1-c'], regionRanges: {} })).toEqual([
      { region: 'europe-west1', primary: true, suffix: '', zones: ['europe-west1-b', 'europe-west1-c'], ...PRIMARY },
    ]);
  });

  it('gives a further region its own ranges, its own zones and a -<region> suffix, after the primary', () => {
    const plans = regionPlans({
      ...PRIMARY,
      regions: ['europe-west1', 'europe-west4'],
      zones: ['europe-west1-b', 'europe-west4-a', 'europe-west1-c', 'europe-west4-b'],
      regionRanges: { 'europe-west4': WEST4 },
    });
    expect(plans).toEqual([
      { region: 'europe-west1', primary: true, suffix: '', zones: ['europe-west1-b', 'europe-west1-c'], ...PRIMARY },
      { region: 'europe-west4', primary: false, suffix: '-europe-west4', zones: ['europe-west4-a', 'europe-west4-b'], ...WEST4 },
    ]);
  });
});

describe('zonesOf', () => {
  it.each<[string, string[], string[]]>([
    ['europe-west1', ['europe-west1-b', 'europe-west4-a'], ['europe-west1-b']],
    // A region whose name is a prefix of another's takes only its own zones.
    ['us-east1', ['us-east1-b', 'us-east1x-b'], ['us-east1-b']],
    ['europe-west4', ['europe-west1-b'], []],
  ])('picks the zones of %s', (region, zones, expected) => {
    expect(zonesOf(region, zones)).toEqual(expected);
  });
});
