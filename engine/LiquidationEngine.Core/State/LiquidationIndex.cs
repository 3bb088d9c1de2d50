using System.Diagnostics;
using System.Runtime.CompilerServices;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.State;

/// <summary>
/// Open positions ordered by trigger price, one tree per (instrument, side), so a tick finds every position it may
/// cross in O(log n + k) and touches no other. Owned by the writer thread.
/// </summary>
/// <remarks>
/// <para>The index is a filter. A long is a candidate when <c>mark ≤ key</c>, a short when <c>mark ≥ key</c>; keys are
/// never on the wrong side of the true liquidation price (see <c>PositionRisk.TriggerKey</c>), so there are no false
/// negatives, and the exact check (equity &lt; MM) decides. A false positive is re-keyed and put back.</para>
/// <para>Funding moves every position of a side at once. Instead of re-keying them, keys are stored relative to a
/// per-side offset <c>H(F)</c> built from the side's cumulative funding: a long is a candidate when
/// <c>mark − H_long ≤ storedKey</c>. H bounds the largest move funding can cause (1/(1 − max MMR) per unit paid,
/// 1 per unit received for longs; mirrored for shorts), so a settlement is O(1) for the index.</para>
/// <para>The trees are treaps whose nodes are the position slots themselves: the links live in
/// <see cref="PositionStore.Left"/>/<see cref="PositionStore.Right"/> and the key in <see cref="PositionStore.Key"/>,
/// so the index costs 16 bytes a position and allocates nothing. Node priority is a hash of the slot, so the shape
/// is deterministic. The extreme key of each tree is cached so a quiet tick is O(1).</para>
/// </remarks>
public sealed class LiquidationIndex
{
    private const int Nil = PositionStore.Nil;
    private readonly PositionStore _positions;
    private readonly int[] _roots;
    private readonly long[] _extreme;
    private readonly long[] _offset;
    private readonly int[] _count;
    private int[] _stack;

    /// <summary>Creates an empty index for <paramref name="instrumentCount"/> instruments over a position store.</summary>
    public LiquidationIndex(PositionStore positions, int instrumentCount)
    {
        _positions = positions;
        _roots = new int[instrumentCount * 2];
        _extreme = new long[instrumentCount * 2];
        _offset = new long[instrumentCount * 2];
        _count = new int[instrumentCount * 2];
        _stack = new int[128];
        Array.Fill(_roots, Nil);
        for (int t = 0; t < _extreme.Length; t++)
        {
            _extreme[t] = EmptyExtreme(t);
        }
    }

    /// <summary>Tree id of (instrument, side): instrument × 2, plus 1 for shorts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TreeOf(int instrument, long signedSize) => (instrument * 2) + (signedSize < 0 ? 1 : 0);

    /// <summary>Positions in a tree.</summary>
    public int CountOf(int tree) => _count[tree];

    /// <summary>The funding offset H of a tree, in raw price units.</summary>
    public long OffsetOf(int tree) => _offset[tree];

    /// <summary>Recomputes a tree's funding offset after a settlement (O(1), no position is touched).</summary>
    public void UpdateOffset(int tree, FundingBook funding, Instrument instrument)
    {
        const long perUnitToPrice = FundingBook.IndexScale / Numerics.Price.Scale; // 10^4
        long rScale = Numerics.Rate.Scale;
        long rMax = instrument.MaxMaintenanceRate.Raw;
        long inc = funding.Increases[tree];
        long dec = funding.Decreases[tree];
        long h;
        if ((tree & 1) == 0)
        {
            // Longs: paying Δ raises LP by at most Δ/(1 − MMRmax); receiving Δ lowers it by at least Δ.
            h = (long)Numerics.FixedPoint.DivideWide((Int128)inc * rScale, (Int128)(rScale - rMax) * perUnitToPrice, Numerics.Rounding.Up)
                - Numerics.FixedPoint.Divide(dec, perUnitToPrice, Numerics.Rounding.Down);
        }
        else
        {
            // Shorts: paying Δ lowers LP by at most Δ; receiving Δ raises it by at least Δ/(1 + MMRmax).
            h = -Numerics.FixedPoint.Divide(inc, perUnitToPrice, Numerics.Rounding.Up)
                + (long)Numerics.FixedPoint.DivideWide((Int128)dec * rScale, (Int128)(rScale + rMax) * perUnitToPrice, Numerics.Rounding.Down);
        }

        _offset[tree] = h;
    }

    /// <summary>Inserts a slot whose absolute trigger key is <paramref name="absoluteKey"/> (from <c>PositionRisk.TriggerKey</c>).</summary>
    public void Insert(int slot, int tree, long absoluteKey)
    {
        long key = absoluteKey - _offset[tree];
        _positions.Key[slot] = key;
        _positions.Left[slot] = Nil;
        _positions.Right[slot] = Nil;
        Split(_roots[tree], key, slot, out int lo, out int hi);
        _roots[tree] = Merge(Merge(lo, slot), hi);
        _count[tree]++;
        bool isLong = (tree & 1) == 0;
        if (isLong ? key > _extreme[tree] : key < _extreme[tree])
        {
            _extreme[tree] = key;
        }
    }

    /// <summary>Puts a detached slot back under the key it had (no risk math, so it cannot fail).</summary>
    public void Reinsert(int slot, int tree) => Insert(slot, tree, _positions.Key[slot] + _offset[tree]);

    /// <summary>Removes a slot that is in the tree.</summary>
    public void Remove(int slot, int tree)
    {
        long key = _positions.Key[slot];
        int parent = Nil;
        int node = _roots[tree];
        while (node != slot)
        {
            Debug.Assert(node != Nil, "slot must be in the tree");
            parent = node;
            node = Less(key, slot, _positions.Key[node], node) ? _positions.Left[node] : _positions.Right[node];
        }

        int merged = Merge(_positions.Left[slot], _positions.Right[slot]);
        if (parent == Nil)
        {
            _roots[tree] = merged;
        }
        else if (_positions.Left[parent] == slot)
        {
            _positions.Left[parent] = merged;
        }
        else
        {
            _positions.Right[parent] = merged;
        }

        _positions.Left[slot] = Nil;
        _positions.Right[slot] = Nil;
        _count[tree]--;
        if (key == _extreme[tree])
        {
            RecomputeExtreme(tree);
        }
    }

    /// <summary>
    /// Detaches every position of a tree that the mark may cross and writes their slots to <paramref name="into"/>,
    /// starting at <paramref name="count"/>. O(log n + k). The caller re-inserts the false positives.
    /// </summary>
    /// <returns>The new count of slots in <paramref name="into"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TakeCrossed(int tree, long mark, int[] into, int count)
    {
        long threshold = mark - _offset[tree];
        bool isLong = (tree & 1) == 0;
        if (isLong ? _extreme[tree] < threshold : _extreme[tree] > threshold)
        {
            return count;
        }

        return TakeCrossedSlow(tree, threshold, isLong, into, count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int TakeCrossedSlow(int tree, long threshold, bool isLong, int[] into, int count)
    {
        int taken;
        if (isLong)
        {
            // Longs cross when key ≥ threshold: keep the part below it.
            Split(_roots[tree], threshold, int.MinValue, out int keep, out taken);
            _roots[tree] = keep;
        }
        else
        {
            // Shorts cross when key ≤ threshold: keep the part above it.
            Split(_roots[tree], threshold, int.MaxValue, out taken, out int keep);
            _roots[tree] = keep;
        }

        int before = count;
        count = Collect(taken, into, count, detach: true);
        _count[tree] -= count - before;
        RecomputeExtreme(tree);
        return count;
    }

    /// <summary>Copies a tree's slots in key order without changing it (ADL candidates, tests).</summary>
    public int CopyTree(int tree, int[] into) => Collect(_roots[tree], into, 0, detach: false);

    /// <summary>Empties every tree (before a rebuild from restored state).</summary>
    public void Clear()
    {
        Array.Fill(_roots, Nil);
        Array.Clear(_count);
        for (int t = 0; t < _extreme.Length; t++)
        {
            _extreme[t] = EmptyExtreme(t);
        }
    }

    private int Collect(int root, int[] into, int count, bool detach)
    {
        if (root == Nil)
        {
            return count;
        }

        int sp = 0;
        int node = root;
        // In-order walk with an explicit stack: k nodes, no recursion, no allocation after warm-up.
        while (node != Nil || sp > 0)
        {
            while (node != Nil)
            {
                if (sp == _stack.Length)
                {
                    Array.Resize(ref _stack, _stack.Length * 2);
                }

                _stack[sp++] = node;
                node = _positions.Left[node];
            }

            node = _stack[--sp];
            into[count++] = node;
            int right = _positions.Right[node];
            if (detach)
            {
                _positions.Left[node] = Nil;
                _positions.Right[node] = Nil;
            }

            node = right;
        }

        return count;
    }

    private void RecomputeExtreme(int tree)
    {
        int node = _roots[tree];
        if (node == Nil)
        {
            _extreme[tree] = EmptyExtreme(tree);
            return;
        }

        int[] next = (tree & 1) == 0 ? _positions.Right : _positions.Left;
        while (next[node] != Nil)
        {
            node = next[node];
        }

        _extreme[tree] = _positions.Key[node];
    }

    private static long EmptyExtreme(int tree) => (tree & 1) == 0 ? long.MinValue : long.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(long keyA, int slotA, long keyB, int slotB) => keyA < keyB || (keyA == keyB && slotA < slotB);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Priority(int slot)
    {
        // A fixed mix of the slot id: random enough for balance, identical across runs.
        uint x = (uint)slot * 0x9E3779B1u;
        x ^= x >> 15;
        x *= 0x85EBCA77u;
        x ^= x >> 13;
        return x;
    }

    /// <summary>Splits into nodes ordered before (key, slot) and the rest.</summary>
    private void Split(int node, long key, int slot, out int lo, out int hi)
    {
        if (node == Nil)
        {
            lo = Nil;
            hi = Nil;
            return;
        }

        if (Less(_positions.Key[node], node, key, slot))
        {
            Split(_positions.Right[node], key, slot, out int l, out hi);
            _positions.Right[node] = l;
            lo = node;
        }
        else
        {
            Split(_positions.Left[node], key, slot, out lo, out int h);
            _positions.Left[node] = h;
            hi = node;
        }
    }

    /// <summary>Joins two treaps where every node of <paramref name="a"/> orders before every node of <paramref name="b"/>.</summary>
    private int Merge(int a, int b)
    {
        if (a == Nil)
        {
            return b;
        }

        if (b == Nil)
        {
            return a;
        }

        if (Priority(a) > Priority(b))
        {
            _positions.Right[a] = Merge(_positions.Right[a], b);
            return a;
        }

        _positions.Left[b] = Merge(a, _positions.Left[b]);
        return b;
    }
}
