using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Perf;

/// <summary>Where the positions of a synthetic book go. Deterministic: position <c>p</c> always gets the same spec.</summary>
/// <remarks>Accounts hold <see cref="PositionsPerAccount"/> consecutive positions, which must be on distinct
/// instruments (one isolated position per account and instrument).</remarks>
public abstract class BookLayout
{
    /// <summary>Creates a layout over a catalog.</summary>
    protected BookLayout(InstrumentCatalog catalog) => Catalog = catalog;

    /// <summary>The catalog the specs refer to.</summary>
    public InstrumentCatalog Catalog { get; }

    /// <summary>Consecutive positions per account.</summary>
    public abstract int PositionsPerAccount { get; }

    /// <summary>The position with index <paramref name="position"/>.</summary>
    public abstract PositionSpec Spec(int position);

    /// <summary>A quiet spec: entry within ±1 % of the reference price, leverage 2..20, notional 500..3,000.
    /// Longs liquidate at least ~3 % below the reference price and shorts ~3 % above, so ticks within ±0.1 % never cross.</summary>
    protected PositionSpec Quiet(int instrument, int position, int side = 0)
    {
        ulong h = Mix((ulong)position);
        Instrument inst = Catalog[instrument];
        side = side != 0 ? side : (h & 1) == 0 ? 1 : -1;
        int leverage = 2 + (int)((h >> 8) % 19);
        double offset = (((long)((h >> 16) % 2001)) - 1000) * 1e-5;
        long notional = (500 + (long)((h >> 32) % 2501)) * Money.Scale;
        return Make(inst, side, ScalePrice(inst.ReferencePrice.Raw, 1 + offset), notional, leverage);
    }

    /// <summary>A spec with an entry price and notional rounded onto the instrument's grids.</summary>
    protected static PositionSpec Make(Instrument inst, int side, long price, long notionalRaw, int leverage)
    {
        long tick = inst.TickSize.Raw;
        price = Math.Max(tick, price - (price % tick));
        long lot = inst.LotSize.Raw;
        long quantity = (long)(Math.BigMul(notionalRaw, Quantity.Scale) / price);
        quantity = Math.Max(lot, quantity - (quantity % lot));
        return new PositionSpec(inst.Index, side, quantity, price, leverage);
    }

    /// <summary>A raw price times a factor, rounded to the nearest raw unit.</summary>
    protected static long ScalePrice(long raw, double factor) => (long)Math.Round(raw * factor);

    /// <summary>SplitMix64: a fixed, well-mixed hash of the position index.</summary>
    protected static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
