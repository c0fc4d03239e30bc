import { truncateIp } from '../../../functions/domain/privacy/network';
import { visitorPseudonym } from '../../../functions/domain/privacy/pseudonym';

describe('truncateIp', () => {
  it.each([
    ['193.16.4.77', '193.16.4.0/24'],
    ['10.0.0.255', '10.0.0.0/24'],
    ['::ffff:193.16.4.77', '193.16.4.0/24'],
    ['2001:db8:1:2::5', '2001:db8:1::/48'],
    ['2a00:1450:4001:82b::200e', '2a00:1450:4001::/48'],
    [' 193.16.4.77 ', '193.16.4.0/24'],
  ])('%s → %s', (address, network) => {
    expect(truncateIp(address)).toBe(network);
  });

  it.each(['', 'not-an-ip', '1.2.3', '999.1.1.1', '1.2.3.4; DROP'])('rejects %p', (address) => {
    expect(truncateIp(address)).toBeUndefined();
  });
});

describe('visitorPseudonym', () => {
  const salt = Buffer.alloc(32, 1);

  it('is stable for the same salt, address, agent and site', () => {
    expect(visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo')).toBe(visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo'));
    expect(visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with the salt, so yesterday’s pseudonym cannot be recomputed once its salt is gone', () => {
    const other = Buffer.alloc(32, 2);
    expect(visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo')).not.toBe(visitorPseudonym(other, '193.16.4.77', 'UA', 'demo'));
  });

  it('separates sites and addresses', () => {
    const base = visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo');
    expect(visitorPseudonym(salt, '193.16.4.77', 'UA', 'other')).not.toBe(base);
    expect(visitorPseudonym(salt, '193.16.4.78', 'UA', 'demo')).not.toBe(base);
  });

  it('does not contain the address', () => {
    expect(visitorPseudonym(salt, '193.16.4.77', 'UA', 'demo')).not.toContain('193');
  });
});
