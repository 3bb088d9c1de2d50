using System.Runtime.CompilerServices;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Risk;

/// <summary>The figures that decide a position's risk: side, size, entry and the block's effective margin.</summary>
/// <param name="Side">+1 long, -1 short.</param>
/// <param name="Quantity">Absolute size, raw (10^-8).</param>
/// <param name="Entry">Average entry price, raw (10^-8).</param>
/// <param name="Margin">Block balance M with pending funding charged, raw money (10^-8).</param>
/// <param name="Leverage">Whole leverage.</param>
public readonly record struct RiskInputs(int Side, long Quantity, long Entry, long Margin, int Leverage);

/// <summary>Exact per-position risk math for isolated margin on linear perpetuals (docs/MARGIN.md).</summary>
/// <remarks>
/// All comparisons that decide a liquidation are done on exact rationals in 128-bit integers: equity and maintenance
/// margin are both scaled by 10^26 (money raw × 10^18), so nothing is rounded before the comparison. Figures shown to
/// users are rounded toward solvency: requirements (MM, IM, liquidation price for longs) round up, payouts and
/// equity round down.
/// </remarks>
public static class PositionRisk
{
    private const long QScale = Quantity.Scale;      // 10^8
    private const long RScale = Rate.Scale;          // 10^10
    private static readonly Int128 MoneyTo26 = (Int128)1_000_000_000_000_000_000L; // 10^18

    /// <summary>Largest magnitude a price key may take, so funding offsets added to it cannot overflow.</summary>
    public const long KeyClamp = long.MaxValue / 4;

    /// <summary><c>(equity − MM) × 10^26</c> at mark <paramref name="mark"/>; the position is in breach iff this is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Int128 Distance(in RiskInputs p, Instrument instrument, long mark)
    {
        long mmPrice = instrument.Basis == MaintenanceBasis.Mark ? mark : p.Entry;
        Int128 qp = Math.BigMul(p.Quantity, mmPrice);
        RiskBracket b = instrument.Brackets[instrument.BracketIndexForProduct(qp)];
        Int128 equity = checked(((Int128)p.Margin * MoneyTo26) + ((Int128)(p.Side * (mark - p.Entry)) * p.Quantity * RScale));
        Int128 mm = checked((qp * b.MaintenanceRate.Raw) - ((Int128)b.MaintenanceAmount.Raw * MoneyTo26));
        return equity - mm;
    }

    /// <summary>True when equity &lt; maintenance margin at the mark: the liquidation trigger.</summary>
    public static bool IsInBreach(in RiskInputs p, Instrument instrument, long mark) => Distance(p, instrument, mark) < 0;

    /// <summary>Unrealised PnL <c>side·q·(mark − entry)</c> in raw money, rounded as asked.</summary>
    public static long UnrealisedPnl(in RiskInputs p, long mark, Rounding rounding)
        => FixedPoint.Divide(Math.BigMul(p.Side * p.Quantity, checked(mark - p.Entry)), QScale, rounding);

    /// <summary>Equity <c>M + uPnL</c> in raw money, rounded down.</summary>
    public static long Equity(in RiskInputs p, long mark) => checked(p.Margin + UnrealisedPnl(p, mark, Rounding.Down));

    /// <summary>Maintenance margin at the mark (or entry, per the instrument's basis), bracket chosen by that notional; rounded up.</summary>
    public static long MaintenanceMargin(in RiskInputs p, Instrument instrument, long mark)
        => checked((long)MaintenanceMarginWide(p, instrument, mark));

    /// <summary><see cref="MaintenanceMargin"/> in 128 bits, for figures that must not throw.</summary>
    public static Int128 MaintenanceMarginWide(in RiskInputs p, Instrument instrument, long mark)
    {
        long mmPrice = instrument.Basis == MaintenanceBasis.Mark ? mark : p.Entry;
        Int128 qp = Math.BigMul(p.Quantity, mmPrice);
        RiskBracket b = instrument.Brackets[instrument.BracketIndexForProduct(qp)];
        return FixedPoint.DivideWide(qp * b.MaintenanceRate.Raw, MoneyTo26, Rounding.Up) - b.MaintenanceAmount.Raw;
    }

    /// <summary>Equity <c>M + uPnL</c> in 128 bits, rounded down, for figures that must not throw.</summary>
    public static Int128 EquityWide(in RiskInputs p, long mark)
        => p.Margin + FixedPoint.DivideWide((Int128)(p.Side * p.Quantity) * (mark - p.Entry), QScale, Rounding.Down);

    /// <summary>Initial margin <c>q × price / leverage</c>, raw money, rounded up.</summary>
    public static long InitialMargin(long quantity, long price, int leverage)
        => FixedPoint.Divide(Math.BigMul(quantity, price), (Int128)QScale * leverage, Rounding.Up);

    /// <summary>Notional <c>q × price</c>, raw money, rounded as asked.</summary>
    public static long Notional(long quantity, long price, Rounding rounding)
        => FixedPoint.Divide(Math.BigMul(quantity, price), QScale, rounding);

    /// <summary>Margin ratio MM / equity as a rate (10^-10), rounded up; <see cref="long.MaxValue"/> when equity ≤ 0.</summary>
    public static long MarginRatio(in RiskInputs p, Instrument instrument, long mark)
    {
        long equity = Equity(p, mark);
        if (equity <= 0)
        {
            return long.MaxValue;
        }

        long mm = MaintenanceMargin(p, instrument, mark);
        Int128 ratio = FixedPoint.DivideWide(Math.BigMul(mm, RScale), equity, Rounding.Up);
        return ratio > long.MaxValue ? long.MaxValue : (long)ratio;
    }

    /// <summary>
    /// The exact liquidation price as a rational root with the bracket that applies at it. Because
    /// MM(notional) = max over brackets of (notional × MMR − cum), this is also the extreme root over the table
    /// (highest for a long, lowest for a short); <see cref="RootBracket"/> finds that bracket with one division less per bracket.
    /// </summary>
    private static Int128 LiquidationRoot(in RiskInputs p, Instrument instrument, long margin, Rounding rounding)
    {
        Int128 q = p.Quantity;
        if (instrument.Basis == MaintenanceBasis.Entry)
        {
            Int128 qe = Math.BigMul(p.Quantity, p.Entry);
            RiskBracket eb = instrument.Brackets[instrument.BracketIndexForProduct(qe)];
            Int128 slack = checked(((Int128)(margin + eb.MaintenanceAmount.Raw) * MoneyTo26) - (qe * eb.MaintenanceRate.Raw));
            Int128 num = checked((qe * RScale) - (p.Side * slack));
            return FixedPoint.DivideWide(num, q * RScale, rounding);
        }

        RiskBracket b = instrument.Brackets[RootBracket(p, instrument, margin)];
        Int128 numerator = checked((p.Side * Math.BigMul(p.Quantity, p.Entry) * RScale) - ((Int128)(margin + b.MaintenanceAmount.Raw) * MoneyTo26));
        Int128 denominator = q * ((p.Side * RScale) - b.MaintenanceRate.Raw);
        return FixedPoint.DivideWide(numerator, denominator, rounding);
    }

    /// <summary>
    /// The bracket that holds the liquidation price, found without dividing: equity − MM is monotone in the notional
    /// (rising for a long, falling for a short), so the root lies in the first bracket at whose cap it has already
    /// turned non-negative (long) or negative (short). That bracket's root is the extreme root over all brackets,
    /// because MM is the maximum of the bracket lines. A root exactly on a cap is the same in both adjacent brackets
    /// (MM is continuous there), so the result does not depend on <see cref="Instrument.Boundary"/>.
    /// </summary>
    private static int RootBracket(in RiskInputs p, Instrument instrument, long margin)
    {
        ReadOnlySpan<RiskBracket> brackets = instrument.Brackets;
        Int128 entryProduct = Math.BigMul(p.Quantity, p.Entry);
        Int128 margin26 = (Int128)margin * MoneyTo26;
        for (int k = 0; k < brackets.Length - 1; k++)
        {
            Int128 capProduct = (Int128)brackets[k].Cap.Raw * QScale;
            Int128 distance = checked(margin26 + (p.Side * (capProduct - entryProduct) * RScale)
                - ((capProduct * brackets[k].MaintenanceRate.Raw) - ((Int128)brackets[k].MaintenanceAmount.Raw * MoneyTo26)));
            if (p.Side > 0 ? distance >= 0 : distance < 0)
            {
                return k;
            }
        }

        return brackets.Length - 1;
    }

    /// <summary>
    /// Liquidation price: the mark at which equity = MM, with the bracket re-evaluated at that price.
    /// Rounded toward the mark side that liquidates earlier (up for longs, down for shorts).
    /// </summary>
    /// <returns>False when the price would be ≤ 0: the position cannot be liquidated by price alone ("none").</returns>
    public static bool TryLiquidationPrice(in RiskInputs p, Instrument instrument, out long price)
    {
        Int128 root = LiquidationRoot(p, instrument, p.Margin, p.Side > 0 ? Rounding.Up : Rounding.Down);
        if (root <= 0)
        {
            price = 0;
            return false;
        }

        price = root > KeyClamp ? KeyClamp : (long)root;
        return true;
    }

    /// <summary>
    /// A price key that is never on the wrong side of the true liquidation price (longs: key ≥ LP, shorts: key ≤ LP),
    /// with one raw money unit of margin and two raw price units of slack so that funding rounding cannot defeat it.
    /// </summary>
    public static long TriggerKey(in RiskInputs p, Instrument instrument)
    {
        Int128 root = p.Side > 0
            ? LiquidationRoot(p, instrument, checked(p.Margin - 1), Rounding.Up) + 2
            : LiquidationRoot(p, instrument, checked(p.Margin - 1), Rounding.Down) - 2;
        return root > KeyClamp ? KeyClamp : root < -KeyClamp ? -KeyClamp : (long)root;
    }

    /// <summary>
    /// Bankruptcy price: equity = 0, i.e. <c>entry − side·M/q</c>, rounded onto the tick grid against the trader
    /// (up for a long's sell, down for a short's buy) so the block can never lose more than its margin.
    /// </summary>
    public static long BankruptcyPrice(in RiskInputs p, long tickSize)
    {
        // Flooring M/q makes a long's BP round up and a short's round down: both against the trader.
        Int128 offset = FixedPoint.DivideWide((Int128)p.Margin * QScale, p.Quantity, Rounding.Down);
        Int128 raw = p.Entry - (p.Side * offset);
        Int128 ticks = FixedPoint.DivideWide(raw, tickSize, p.Side > 0 ? Rounding.Up : Rounding.Down);
        Int128 bp = ticks * tickSize;
        if (bp < tickSize)
        {
            return tickSize;
        }

        return bp > KeyClamp ? KeyClamp : (long)bp;
    }

    /// <summary>Max removable margin: <c>max(0, min(M − MM, M + uPnL − IM at mark))</c>; 0 unless uPnL &gt; 0 when the
    /// instrument's profile removes margin only in profit (<see cref="VenueRules.RemoveMarginRequiresProfit"/>).</summary>
    public static long MaxRemovableMargin(in RiskInputs p, Instrument instrument, long mark)
    {
        long upnl = UnrealisedPnl(p, mark, Rounding.Down);
        if (upnl <= 0 && instrument.Rules.RemoveMarginRequiresProfit)
        {
            return 0;
        }

        long mm = MaintenanceMargin(p, instrument, mark);
        long im = InitialMargin(p.Quantity, mark, p.Leverage);
        long byMaintenance = checked(p.Margin - mm);
        long byInitial = checked(p.Margin + upnl - im);
        return Math.Max(0, Math.Min(byMaintenance, byInitial));
    }

    /// <summary>
    /// ADL rank scaled by 10^12: <c>PnL% × effLev</c> when PnL ≥ 0 (which is uPnL / equity), else <c>PnL% / effLev</c>
    /// (uPnL × equity / notional²). Higher ranks are deleveraged first.
    /// </summary>
    public static long AdlRank(in RiskInputs p, long mark)
    {
        long upnl = UnrealisedPnl(p, mark, Rounding.Down);
        long equity = checked(p.Margin + upnl);
        long notional = Notional(p.Quantity, mark, Rounding.Up);
        if (notional <= 0)
        {
            return long.MinValue;
        }

        if (upnl >= 0)
        {
            if (equity <= 0)
            {
                return long.MaxValue;
            }

            Int128 r = FixedPoint.DivideWide((Int128)upnl * 1_000_000_000_000L, equity, Rounding.Down);
            return r > long.MaxValue ? long.MaxValue : (long)r;
        }

        Int128 pnlPct = FixedPoint.DivideWide((Int128)upnl * 1_000_000, notional, Rounding.Down);
        Int128 inverseLeverage = FixedPoint.DivideWide((Int128)Math.Max(equity, 0) * 1_000_000, notional, Rounding.Down);
        Int128 rank = pnlPct * inverseLeverage;
        return rank < long.MinValue ? long.MinValue : (long)rank;
    }
}
