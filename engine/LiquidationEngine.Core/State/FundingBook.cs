namespace LiquidationEngine.State;

/// <summary>Per instrument: the last mark and the lazy cumulative funding indices. Owned by the writer thread.</summary>
/// <remarks>
/// Funding is settled lazily (dYdX v4 style): a settlement only moves the instrument's cumulative charge per unit;
/// a position owes <c>ceil(q × (cum_now − cum_snapshot))</c> when it is next touched. There is one index per side,
/// each rounded so its side is charged up (payers pay the rounding, receivers get less), which keeps rounding solvent.
/// Indices are in 10^-12 money per base unit. The positive and negative increments are also summed separately so the
/// liquidation index can shift all keys of a side by a conservative bound in O(1).
/// </remarks>
public sealed class FundingBook
{
    /// <summary>Scale of the funding indices: 10^-12 money per base unit.</summary>
    public const long IndexScale = 1_000_000_000_000L;

    /// <summary>Creates books for <paramref name="instrumentCount"/> instruments.</summary>
    public FundingBook(int instrumentCount)
    {
        Mark = new long[instrumentCount];
        MarkSequence = new long[instrumentCount];
        MarkTimeUs = new long[instrumentCount];
        Cumulative = new long[instrumentCount * 2];
        Increases = new long[instrumentCount * 2];
        Decreases = new long[instrumentCount * 2];
    }

    /// <summary>Last mark price raw (10^-8), 0 before the first tick.</summary>
    public long[] Mark { get; }

    /// <summary>Ring sequence of the last mark.</summary>
    public long[] MarkSequence { get; }

    /// <summary>Event time of the last mark, µs.</summary>
    public long[] MarkTimeUs { get; }

    /// <summary>Cumulative charge per unit, by <see cref="SideIndex"/>: positive means the side has paid.</summary>
    public long[] Cumulative { get; }

    /// <summary>Sum of the positive increments of <see cref="Cumulative"/>.</summary>
    public long[] Increases { get; }

    /// <summary>Sum of the magnitudes of the negative increments of <see cref="Cumulative"/>.</summary>
    public long[] Decreases { get; }

    /// <summary>Index into the per-side arrays: instrument × 2, plus 1 for shorts.</summary>
    public static int SideIndex(int instrument, long signedSize) => (instrument * 2) + (signedSize < 0 ? 1 : 0);
}
