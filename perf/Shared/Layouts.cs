using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Perf;

/// <summary>Quiet positions spread evenly over every instrument (position p on instrument p mod count), 5 per account.</summary>
public sealed class SpreadLayout(InstrumentCatalog catalog) : BookLayout(catalog)
{
    /// <inheritdoc/>
    public override int PositionsPerAccount => 5;

    /// <inheritdoc/>
    public override PositionSpec Spec(int position) => Quiet(position % Catalog.Count, position);
}

/// <summary>Every position on one instrument (one per account): funding settlement over a large instrument.</summary>
public sealed class SingleInstrumentLayout(InstrumentCatalog catalog, int instrument) : BookLayout(catalog)
{
    /// <inheritdoc/>
    public override int PositionsPerAccount => 1;

    /// <inheritdoc/>
    public override PositionSpec Spec(int position) => Quiet(instrument, position);
}

/// <summary>
/// The crash book: one position in five is on instrument 0 (BTC), alternately a long at leverage 5..20 and a short;
/// the rest are quiet positions over instruments 1..199. A tick at 70 % of BTC's reference price puts every BTC long
/// in breach (their liquidation prices are 79–96 % of it) and no other position: 10 % of the book.
/// </summary>
public sealed class CrashLayout(InstrumentCatalog catalog) : BookLayout(catalog)
{
    /// <summary>The instrument that crashes.</summary>
    public const int CrashInstrument = 0;

    /// <summary>The crash mark as a fraction of the reference price.</summary>
    public const double CrashFactor = 0.70;

    /// <inheritdoc/>
    public override int PositionsPerAccount => 5;

    /// <summary>Positions the crash liquidates in a book of <paramref name="positions"/>.</summary>
    public static int Liquidated(int positions) => ((positions + 4) / 5 + 1) / 2;

    /// <summary>The crash tick's mark.</summary>
    public long CrashMark => ScalePrice(Catalog[CrashInstrument].ReferencePrice.Raw, CrashFactor);

    /// <inheritdoc/>
    public override PositionSpec Spec(int position)
    {
        if (position % 5 == 0)
        {
            bool isLong = (position / 5) % 2 == 0;
            PositionSpec quiet = Quiet(CrashInstrument, position, isLong ? 1 : -1);
            return isLong ? quiet with { Leverage = 5 + (int)(Mix((ulong)position) % 16) } : quiet;
        }

        int j = (4 * (position / 5)) + (position % 5) - 1;
        return Quiet(1 + (j % (Catalog.Count - 1)), position);
    }
}

/// <summary>
/// The latency book: quiet positions spread over every instrument, plus "tripwire" longs whose liquidation prices form
/// a ladder just below the quiet band (99.7 %, 99.695 %, ... of the reference price, 0.005 % apart) on every instrument priced at
/// 0.1 or more. A crossing tick sets the mark just under the next rung: it liquidates that rung and nothing else.
/// </summary>
public sealed class LatencyLayout : BookLayout
{
    private const int TripwireLeverage = 10;
    private readonly int[] _eligible;

    /// <summary>Creates the layout with <paramref name="rungs"/> tripwires per eligible instrument.</summary>
    public LatencyLayout(InstrumentCatalog catalog, int rungs)
        : base(catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _eligible = catalog.Instruments.Where(i => i.ReferencePrice.Raw >= Price.Scale / 10).Select(i => i.Index).ToArray();
        Rungs = rungs;

        // A multiple of PositionsPerAccount, so no account mixes tripwires and quiet positions (which could share an instrument).
        Tripwires = ((_eligible.Length * rungs) + 4) / 5 * 5;
    }

    /// <inheritdoc/>
    public override int PositionsPerAccount => 5;

    /// <summary>Instruments that carry a ladder.</summary>
    public IReadOnlyList<int> Eligible => _eligible;

    /// <summary>Tripwires per eligible instrument.</summary>
    public int Rungs { get; }

    /// <summary>Positions 0..Tripwires-1 are tripwires; the first few instruments get one rung more to round the count up to whole accounts.</summary>
    public int Tripwires { get; }

    /// <inheritdoc/>
    public override PositionSpec Spec(int position)
    {
        if (position >= Tripwires)
        {
            return Quiet(position % Catalog.Count, position);
        }

        Instrument inst = Catalog[_eligible[position % _eligible.Length]];
        int rung = position / _eligible.Length;

        // Long LP = E(1 − 1/L)/(1 − MMR) in the first bracket, so E = LP(1 − MMR)/(1 − 1/L).
        double mmr = (double)inst.Brackets[0].MaintenanceRate.Raw / Rate.Scale;
        double target = 0.997 - (rung * 5e-5);
        double entryFactor = target * (1 - mmr) / (1 - (1.0 / TripwireLeverage));
        return Make(inst, 1, ScalePrice(inst.ReferencePrice.Raw, entryFactor), 1000 * Money.Scale, TripwireLeverage);
    }
}
