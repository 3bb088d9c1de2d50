using LiquidationEngine.Numerics;

namespace LiquidationEngine.Instruments;

/// <summary>A linear perpetual contract: its settlement asset, increments and risk table.</summary>
public sealed class Instrument
{
    private readonly RiskBracket[] _brackets;

    /// <summary>Creates a validated instrument; use <see cref="InstrumentCatalog"/> loading for config files.</summary>
    /// <exception cref="InstrumentConfigException">The table breaks a rule; the message names the bracket.</exception>
    public Instrument(
        int index,
        string symbol,
        int settlementAsset,
        Price tickSize,
        Quantity lotSize,
        Rate liquidationFeeRate,
        MaintenanceBasis basis,
        IReadOnlyList<RiskBracket> brackets,
        Price referencePrice = default,
        BracketBoundary boundary = BracketBoundary.CapInclusive,
        VenueRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        ArgumentNullException.ThrowIfNull(brackets);
        Index = index;
        Symbol = symbol;
        SettlementAsset = settlementAsset;
        TickSize = tickSize;
        LotSize = lotSize;
        LiquidationFeeRate = liquidationFeeRate;
        Basis = basis;
        ReferencePrice = referencePrice;
        Boundary = boundary;
        Rules = rules ?? VenueRules.CryptoCom;
        _brackets = [.. brackets];
        RiskTableValidator.Validate(symbol, tickSize, lotSize, liquidationFeeRate, _brackets);
        MaxMaintenanceRate = _brackets[^1].MaintenanceRate;
    }

    /// <summary>Dense index in the catalog; the engine's arrays and ring entries carry this, not the symbol.</summary>
    public int Index { get; }

    /// <summary>Engine symbol, e.g. <c>BTC-USDT-PERP</c>.</summary>
    public string Symbol { get; }

    /// <summary>Index of the settlement asset in <see cref="InstrumentCatalog.Assets"/>.</summary>
    public int SettlementAsset { get; }

    /// <summary>Price increment.</summary>
    public Price TickSize { get; }

    /// <summary>Quantity increment.</summary>
    public Quantity LotSize { get; }

    /// <summary>Fee charged on the liquidated notional, paid from the block to the insurance fund.</summary>
    public Rate LiquidationFeeRate { get; }

    /// <summary>Whether maintenance margin uses the mark (default) or entry notional.</summary>
    public MaintenanceBasis Basis { get; }

    /// <summary>A typical price, used by the synthetic book generator; not used by risk math.</summary>
    public Price ReferencePrice { get; }

    /// <summary>Which bracket a notional exactly on a cap belongs to; every bracket choice goes through
    /// <see cref="BracketIndexForProduct"/> or <see cref="IsAboveCap"/>, so this one setting decides them all.</summary>
    public BracketBoundary Boundary { get; }

    /// <summary>The venue rule profile for user operations on this instrument (<see cref="VenueRules.CryptoCom"/> by default).</summary>
    public VenueRules Rules { get; }

    /// <summary>The highest MMR in the table; bounds how far funding can move a liquidation price.</summary>
    public Rate MaxMaintenanceRate { get; }

    /// <summary>The risk table, lowest bracket first.</summary>
    public ReadOnlySpan<RiskBracket> Brackets => _brackets;

    /// <summary>Index of the bracket that holds the notional (raw money units), by <see cref="Boundary"/>.</summary>
    /// <remarks>Notionals above the last cap use the last bracket.</remarks>
    public int BracketIndexFor(long notionalRaw) => BracketIndexForProduct((Int128)notionalRaw * Quantity.Scale);

    /// <summary>Bracket index for an exact notional given as <c>q_raw × p_raw</c> (scale 10^16), without rounding.</summary>
    public int BracketIndexForProduct(Int128 quantityTimesPrice)
    {
        RiskBracket[] b = _brackets;
        int i = 0;
        while (i < b.Length - 1 && IsAboveCap(quantityTimesPrice, i))
        {
            i++;
        }

        return i;
    }

    /// <summary>True when an exact notional (<c>q_raw × p_raw</c>) lies beyond bracket <paramref name="bracket"/>'s cap:
    /// strictly above it when caps are inclusive, at or above it otherwise.</summary>
    public bool IsAboveCap(Int128 quantityTimesPrice, int bracket)
    {
        Int128 cap = (Int128)_brackets[bracket].Cap.Raw * Quantity.Scale;
        return Boundary == BracketBoundary.CapInclusive ? quantityTimesPrice > cap : quantityTimesPrice >= cap;
    }

    /// <summary>The largest quantity (not yet on the lot grid) whose notional at <paramref name="price"/> still lies
    /// within bracket <paramref name="bracket"/>: at its cap when caps are inclusive, below it otherwise.</summary>
    public long MaxQuantityWithin(int bracket, long price)
    {
        Int128 cap = (Int128)_brackets[bracket].Cap.Raw * Quantity.Scale;
        Int128 q = Boundary == BracketBoundary.CapInclusive ? cap / price : (cap - 1) / price;
        return q > long.MaxValue ? long.MaxValue : (long)q;
    }

    /// <inheritdoc/>
    public override string ToString() => Symbol;
}
