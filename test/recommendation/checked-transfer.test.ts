import { describe, expect, it } from 'vitest';
import { checkedTransfer } from '../../plugins/recommendation/services/checked-transfer.js';
import type { RankedMethod, RecommendService, RecommendTransferOutcome } from '../../plugins/recommendation/services/recommend-service.js';
import type { EventsSplit } from '../../plugins/recommendation/contracts.js';

/** Validation rows where scratch beats the transferred model on every one of 200 users, clear of any noise. */
function rankedRows(): RankedMethod[] {
  const perUser = (v: number) => Object.fromEntries(Array.from({ length: 200 }, (_, u) => [`u${u}`, { 'NDCG@10': v + (u % 7) * 1e-3 }]));
  const row = (name: string, kind: 'transfer' | 'baseline', v: number) => ({ name, kind, report: { aggregate: { 'NDCG@10': v + 3e-3 }, perItem: perUser(v) } }) as unknown as RankedMethod;
  return [row('zero-shot', 'transfer', 0.05), row('scratch (comparison)', 'transfer', 0.06), row('cooccurrence', 'baseline', 0.05)];
}

/** A service whose runs report the given training outcome per strategy; the models only record refits. */
function stubService(scratchBestEpoch: number): RecommendService {
  const outcome = (strategy: string): RecommendTransferOutcome => ({
    recommender: { refit: () => undefined, dispose: () => undefined },
    training: { epochsRun: 2, bestEpoch: strategy === 'scratch' ? scratchBestEpoch : 1, selectedBy: 'val NDCG@10' },
  }) as unknown as RecommendTransferOutcome;
  return { transfer: async (_n: number, _s: EventsSplit, o: { strategy: string }) => outcome(o.strategy), validate: () => rankedRows() } as unknown as RecommendService;
}

const split = { beforeTest: [] } as unknown as EventsSplit;

describe('checkedTransfer: the scratch comparison', () => {
  it('that trained and ranks clearly better is negative transfer, and is kept', async () => {
    const r = await checkedTransfer(stubService(1), 10, split, { strategy: 'zero-shot' } as never, { compareScratch: true, keep: 'better' });
    expect(r.negativeTransfer).toBe(true);
    expect(r.strategy).toBe('scratch');
    expect(r.warnings[0]).toMatch(/^negative transfer/);
  });

  it('that kept its random starting weights is no evidence: no negative-transfer claim, the asked model is kept, and it says why', async () => {
    const r = await checkedTransfer(stubService(0), 10, split, { strategy: 'zero-shot' } as never, { compareScratch: true, keep: 'better' });
    expect(r.negativeTransfer).toBe(false);
    expect(r.strategy).toBe('zero-shot');
    expect(r.warnings.some((w) => w.startsWith('negative transfer'))).toBe(false);
    expect(r.warnings.some((w) => w.includes('scratch comparison kept its random starting weights'))).toBe(true);
  });
});
