using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Risk;

namespace LiquidationEngine.Replay;

/// <summary>What <see cref="SyntheticBookGenerator"/> builds.</summary>
public sealed record SyntheticBookOptions
{
    /// <summary>Number of isolated positions.</summary>
    public int Positions { get; init; } = 100_000;

    /// <summary>Seed of the <see cref="DeterministicRandom"/>: the same seed and options give the same book.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Instrument indices to spread positions over (uniformly). Empty: every instrument of the catalog.</summary>
    public IReadOnlyList<int> Instruments { get; init; } = [];

    /// <summary>Entry anchor per instrument index, raw price. Missing instruments use their <see cref="Instrument.ReferencePrice"/>.</summary>
    public IReadOnlyDictionary<int, long> AnchorPrices { get; init; } = new Dictionary<int, long>();

    /// <summary>Entries are spread uniformly within ± this many basis points of the anchor (narrowed for high
    /// leverage so that no position starts in breach at the anchor).</summary>
    public int EntrySpreadBps { get; init; } = 100;

    /// <summary>Share of long positions, in percent.</summary>
    public int LongPercent { get; init; } = 55;

    /// <summary>First account id; accounts are numbered consecutively from it.</summary>
    public long FirstAccount { get; init; } = 1_000_001;
}

/// <summary>
/// Builds a reproducible book of accounts and isolated positions with a realistic leverage mix, for replays and
/// tests. Integer arithmetic only (see <see cref="DeterministicRandom"/>), so a seed gives the same book on every
/// machine and runtime.
/// </summary>
/// <remarks>
/// <para>The distribution (docs/REPLAY.md, "Generated books"):</para>
/// <list type="bullet">
/// <item>Leverage band by weight: 1–4x 15%, 5–20x 60%, 21–49x 15%, 50–125x 10% (<see cref="LeverageBands"/>); uniform
/// within the band, capped at the instrument's first-bracket maximum.</item>
/// <item>Notional band by weight: 100–2,000 50%, 2,000–20,000 30%, 20,000–100,000 15%, 100,000–1,000,000 5%
/// (<see cref="NotionalBands"/>); uniform within. If the bracket at that notional does not allow the leverage, the
/// notional is lowered to the top of the highest bracket that does, so leverage never exceeds the bracket maximum.</item>
/// <item>Side: long with <see cref="SyntheticBookOptions.LongPercent"/>%. Entry: uniform within ±spread of the anchor,
/// on the tick grid; the spread is narrowed to a quarter of 1/leverage for high leverage, and a position that would
/// still start in breach at the anchor enters at the anchor.</item>
/// <item>Accounts hold 1 to 3 positions on distinct instruments. Each account's USDT-style deposit is its positions'
/// initial margin plus 20–100% spare in main; one position in ten gets extra block margin of 10–50% of its initial
/// margin.</item>
/// </list>
/// </remarks>
public static class SyntheticBookGenerator
{
    /// <summary>Leverage bands (inclusive) and their weights in percent.</summary>
    public static IReadOnlyList<(int Min, int Max, int WeightPercent)> LeverageBands { get; } =
        [(1, 4, 15), (5, 20, 60), (21, 49, 15), (50, 125, 10)];

    /// <summary>Notional bands in whole settlement units (inclusive) and their weights in percent.</summary>
    public static IReadOnlyList<(long Min, long Max, int WeightPercent)> NotionalBands { get; } =
        [(100, 2_000, 50), (2_000, 20_000, 30), (20_000, 100_000, 15), (100_000, 1_000_000, 5)];

    /// <summary>Generates a book.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or an instrument has no anchor price.</exception>
    public static PositionBook Generate(InstrumentCatalog catalog, SyntheticBookOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Positions);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EntrySpreadBps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.EntrySpreadBps, 5_000);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LongPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.LongPercent, 100);
        int[] instruments = options.Instruments.Count > 0 ? [.. options.Instruments] : [.. Enumerable.Range(0, catalog.Count)];
        long[] anchors = new long[instruments.Length];
        for (int k = 0; k < instruments.Length; k++)
        {
            int ix = instruments[k];
            if ((uint)ix >= (uint)catalog.Count)
            {
                throw new ArgumentException($"instrument index {ix} is not in the catalog.", nameof(options));
            }

            anchors[k] = options.AnchorPrices.TryGetValue(ix, out long a) ? a : catalog[ix].ReferencePrice.Raw;
            if (anchors[k] <= 0)
            {
                throw new ArgumentException($"{catalog[ix].Symbol} has no reference price; give an anchor price.", nameof(options));
            }
        }

        var random = new DeterministicRandom(options.Seed);
        int maxPerAccount = Math.Min(3, instruments.Length);
        Span<int> leverageWeights = stackalloc int[LeverageBands.Count];
        Span<int> notionalWeights = stackalloc int[NotionalBands.Count];
        for (int i = 0; i < leverageWeights.Length; i++)
        {
            leverageWeights[i] = LeverageBands[i].WeightPercent;
        }

        for (int i = 0; i < notionalWeights.Length; i++)
        {
            notionalWeights[i] = NotionalBands[i].WeightPercent;
        }

        var balances = new List<BookBalance>(options.Positions);
        var positions = new List<BookPosition>(options.Positions);
        var assetTotals = new long[catalog.Assets.Count];
        Span<int> picked = stackalloc int[3];
        long account = options.FirstAccount;
        long row = 0;
        while (positions.Count < options.Positions)
        {
            int count = (int)Math.Min(random.NextLong(1, maxPerAccount), options.Positions - positions.Count);
            PickDistinct(random, instruments.Length, picked[..count]);
            Array.Clear(assetTotals);
            int firstPosition = positions.Count;
            for (int j = 0; j < count; j++)
            {
                int k = picked[j];
                Instrument inst = catalog[instruments[k]];
                BookPosition p = GeneratePosition(random, inst, anchors[k], account, ++row, options, leverageWeights, notionalWeights);
                positions.Add(p);
                assetTotals[inst.SettlementAsset] = checked(assetTotals[inst.SettlementAsset]
                    + PositionRisk.InitialMargin(p.Quantity, p.EntryPrice, p.Leverage) + p.ExtraMargin);
            }

            for (int asset = 0; asset < assetTotals.Length; asset++)
            {
                if (assetTotals[asset] > 0)
                {
                    long spare = assetTotals[asset] * random.NextLong(20, 100) / 100;
                    balances.Add(new BookBalance(account, asset, checked(assetTotals[asset] + spare), firstPosition));
                }
            }

            account++;
        }

        // Row numbers: balances are numbered after the positions so every command maps back to one row.
        for (int i = 0; i < balances.Count; i++)
        {
            balances[i] = balances[i] with { Line = positions.Count + i + 1 };
        }

        string source = $"generated: {options.Positions} positions over {instruments.Length} instrument{(instruments.Length == 1 ? string.Empty : "s")}, seed {options.Seed}";
        return new PositionBook(source, balances, positions);
    }

    private static BookPosition GeneratePosition(
        DeterministicRandom random,
        Instrument inst,
        long anchor,
        long account,
        long row,
        SyntheticBookOptions options,
        ReadOnlySpan<int> leverageWeights,
        ReadOnlySpan<int> notionalWeights)
    {
        int maxLeverage = Math.Min(inst.Brackets[0].MaxLeverage, 255);
        (int lmin, int lmax, _) = LeverageBands[random.PickWeighted(leverageWeights)];
        int leverage = (int)random.NextLong(Math.Min(lmin, maxLeverage), Math.Min(lmax, maxLeverage));

        (long nmin, long nmax, _) = NotionalBands[random.PickWeighted(notionalWeights)];
        long notional = random.NextLong(nmin, nmax) * Money.Scale;
        int side = random.NextLong(100) < options.LongPercent ? 1 : -1;

        // Narrow the entry spread for high leverage: at most a quarter of the 1/leverage cushion.
        long spreadBps = Math.Min(options.EntrySpreadBps, 10_000 / (4 * leverage));
        long offsetBps = random.NextLong(-spreadBps, spreadBps);
        long tick = inst.TickSize.Raw;
        long entry = (long)(Math.BigMul(anchor, 10_000 + offsetBps) / 10_000);
        entry = Math.Max(tick, entry - (entry % tick));

        // The bracket at this notional must allow the leverage; otherwise shrink into the highest bracket that does.
        long capRaw = long.MaxValue;
        for (int b = 0; b < inst.Brackets.Length; b++)
        {
            if (inst.Brackets[b].MaxLeverage >= leverage)
            {
                capRaw = inst.Brackets[b].Cap.Raw;
            }
        }

        long lot = inst.LotSize.Raw;
        long quantity = (long)(Math.BigMul(notional, Quantity.Scale) / entry);
        long maxQuantity = (long)(((Int128)capRaw * Quantity.Scale - 1) / entry);
        quantity = Math.Min(quantity, maxQuantity);
        quantity -= quantity % lot;
        if (quantity < lot)
        {
            quantity = lot;
        }

        long im = PositionRisk.InitialMargin(quantity, entry, leverage);
        if (PositionRisk.IsInBreach(new RiskInputs(side, quantity, entry, im, leverage), inst, anchor))
        {
            entry = Math.Max(tick, anchor - (anchor % tick));
            im = PositionRisk.InitialMargin(quantity, entry, leverage);
        }

        long extra = random.NextLong(10) == 0 ? im * random.NextLong(10, 50) / 100 : 0;
        return new BookPosition(account, inst.Index, side, quantity, entry, leverage, extra, row);
    }

    /// <summary>Fills <paramref name="into"/> with distinct indices in [0, n), drawing again on a repeat.</summary>
    private static void PickDistinct(DeterministicRandom random, int n, Span<int> into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            int candidate;
            do
            {
                candidate = (int)random.NextLong(n);
            }
            while (into[..i].Contains(candidate));

            into[i] = candidate;
        }
    }
}
