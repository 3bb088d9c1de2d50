
namespace LiquidationEngine.State;

/// <summary>A 64-bit hash of the whole engine state, stable across runs, processes and machines.</summary>
/// <remarks>Covers every economic field in a fixed order (slots in slot order, accounts in arrival order, open orders
/// by id). The index tree's shape is left out: it is derived, and rebuilding it after recovery may shape it
/// differently while holding the same keys. Used to prove determinism and recovery.</remarks>
public static class StateHasher
{
    /// <summary>Hashes the state.</summary>
    public static ulong Compute(EngineState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var h = new Hash64();
        h.Add(s.LastOrderId);
        h.Add(s.LastEventSequence);
        PositionStore p = s.Positions;
        for (int i = 0; i < p.Capacity; i++)
        {
            if (p.Status[i] == PositionStatus.Free)
            {
                continue;
            }

            h.Add(i);
            h.Add((long)p.Status[i]);
            h.Add(p.PositionId(i));
            h.Add(s.Accounts.IdOf(p.AccountIx[i]));
            h.Add(p.Instrument[i]);
            h.Add(p.Leverage[i]);
            h.Add(p.Size[i]);
            h.Add(p.Entry[i]);
            h.Add(p.Margin[i]);
            h.Add(p.FundingSnapshot[i]);
            h.Add(p.Key[i]);
        }

        AccountStore a = s.Accounts;
        h.Add(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            h.Add(a.IdOf(i));
            for (int k = 0; k < a.AssetCount; k++)
            {
                h.Add(a.Main(i, k));
            }
        }

        AssetBooks b = s.Books;
        h.AddAll(b.InsuranceFund);
        h.AddAll(b.FeePool);
        h.AddAll(b.Deposits);
        h.AddAll(b.Withdrawals);
        h.AddAll(b.RealisedPnl);
        h.AddAll(b.FundingFlow);
        h.AddAll(b.InsuranceTopUps);
        FundingBook f = s.Funding;
        h.AddAll(f.Mark);
        h.AddAll(f.Cumulative);
        h.AddAll(f.Increases);
        h.AddAll(f.Decreases);
        foreach (KeyValuePair<long, OpenOrder> o in s.OpenOrders.OrderBy(kv => kv.Key))
        {
            h.Add(o.Key);
            h.Add(o.Value.Slot);
            h.Add(o.Value.PositionId);
            h.Add(o.Value.Remaining);
            h.Add(o.Value.BankruptcyPrice);
            h.Add((long)o.Value.Kind);
            h.Add(o.Value.TriggerMark);
        }

        return h.Value;
    }

    private struct Hash64
    {
        private ulong _h;
        private bool _started;

        public readonly ulong Value
        {
            get
            {
                // Final avalanche (splitmix64) so nearby states hash far apart.
                ulong z = _h;
                z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
                z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
                return z ^ (z >> 31);
            }
        }

        public void Add(long value)
        {
            if (!_started)
            {
                _h = 0xCBF29CE484222325UL;
                _started = true;
            }

            _h = unchecked((_h ^ (ulong)value) * 0x100000001B3UL);
            _h = unchecked((_h << 29) | (_h >> 35)) ^ unchecked((ulong)value * 0x9E3779B97F4A7C15UL);
        }

        public void AddAll(Int128[] values)
        {
            Add(values.Length);
            foreach (Int128 v in values)
            {
                Add((long)(ulong)(v & ulong.MaxValue));
                Add((long)(v >> 64));
            }
        }

        public void AddAll(long[] values)
        {
            Add(values.Length);
            foreach (long v in values)
            {
                Add(v);
            }
        }
    }
}
