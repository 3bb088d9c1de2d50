
namespace LiquidationEngine.State;

/// <summary>A 64-bit hash of the whole engine state, stable across runs, processes and machines.</summary>
/// <remarks>Covers every economic field in the order of <see cref="StateFields"/> (slots in slot order, accounts in
/// arrival order, open orders by id), the same table the snapshot codec walks. The index tree's shape is left out: it is derived, and rebuilding it after recovery may shape it
/// differently while holding the same keys. Used to prove determinism and recovery.</remarks>
public static class StateHasher
{
    /// <summary>Hashes the state.</summary>
    /// <remarks>Walks <see cref="StateFields"/> in its order and adds the fields marked
    /// <see cref="FieldUse.Hashed"/>; free slots are left out (so is capacity), so a recovered store that was grown
    /// hashes the same as the one that was snapshotted.</remarks>
    public static ulong Compute(EngineState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var h = new Hash64();
        foreach (ScalarField f in StateFields.Header)
        {
            if (Hashed(f.Use))
            {
                h.Add(f.Get(s));
            }
        }

        PositionStore p = s.Positions;
        for (int i = 0; i < p.Capacity; i++)
        {
            if (p.Status[i] == PositionStatus.Free)
            {
                continue;
            }

            foreach (SlotField f in LiveSlotFields)
            {
                h.Add(f.Hash is null ? f.Get(s, i) : f.Hash(s, i));
            }
        }

        AccountStore a = s.Accounts;
        h.Add(a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            foreach (AccountField f in StateFields.Accounts)
            {
                for (int k = 0; Hashed(f.Use) && k < (f.PerAsset ? a.AssetCount : 1); k++)
                {
                    h.Add(f.Get(a, i, k));
                }
            }
        }

        foreach (BookField f in StateFields.Books)
        {
            if (!Hashed(f.Use))
            {
                continue;
            }

            if (f.Wide is not null)
            {
                h.AddAll(f.Wide(s));
            }
            else
            {
                h.AddAll(f.Narrow!(s));
            }
        }

        h.Add(s.OpenOrders.Count);
        foreach (KeyValuePair<long, OpenOrder> o in StateFields.OrdersById(s))
        {
            foreach (OrderField f in StateFields.Orders)
            {
                if (Hashed(f.Use))
                {
                    h.Add(f.Get(o.Key, o.Value));
                }
            }
        }

        return h.Value;
    }

    private static bool Hashed(FieldUse use) => (use & FieldUse.Hashed) != 0;

    // The hashed fields of a live slot, as an array: the per-slot loop neither filters nor allocates.
    private static readonly SlotField[] LiveSlotFields = [.. StateFields.Slots.Where(f => Hashed(f.Use) && StateFields.Applies(f, PositionStatus.Open))];

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
