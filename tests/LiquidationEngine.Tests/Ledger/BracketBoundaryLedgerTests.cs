using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>
/// Opens exactly at a bracket cap. Binance's BTCUSDT table (announcement "Updates to Leverage and Margin Tiers of
/// Binance Futures Contracts", 2021-03-18) writes tier 1 as "0 &lt; Position ≤ 50,000, 125x, MM 0.40%" and tier 2 as
/// "50,000 &lt; Position ≤ 250,000, 100x, MM 0.50%", and the last tier of the FAQ table used here ends at 20,000,000.
/// </summary>
public class BracketBoundaryLedgerTests
{
    private const int Btc = 0;

    [Fact]
    public void One_btc_at_50000_opens_at_125x_in_tier_one_as_Binance_publishes()
    {
        var e = new Engine();
        e.Deposit(1, "1000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "50000", leverage: 125));
        Assert.Equal(Usd("400"), e.Margin(1, Btc)); // IM = 50,000 / 125
        Assert.Equal(Usd("600"), e.Main(1));

        // One lot more is 50,050 of notional: tier 2, 100x at most.
        var f = new Engine();
        f.Deposit(1, "1000");
        Assert.Equal(RejectReason.InvalidLeverage, f.Fill(1, Btc, +1, "1.001", "50000", leverage: 125));
        Assert.Equal(RejectReason.None, f.Fill(1, Btc, +1, "1.001", "50000", leverage: 100));
    }

    [Fact]
    public void At_the_cap_the_maintenance_margin_uses_tier_one_and_equals_tier_two_by_continuity()
    {
        // Tier 1 at 50,000: 50,000 × 0.4% − 0 = 200. Tier 2's line gives the same: 50,000 × 0.5% − 50 = 200.
        Engine e = Engine.WithLong(deposit: "1000", price: "50000", leverage: 125);
        e.Tick(Btc, "50000");
        EngineEvent d = e.Describe(1, Btc);
        Assert.Equal(Usd("200"), d.MaintenanceMargin);
        // margin ratio = 200 / 400 = 0.5
        Assert.Equal(R("0.5").Raw, d.MarginRatio);
    }

    [Fact]
    public void Raising_leverage_to_125x_is_allowed_at_the_cap_and_not_one_lot_past_it()
    {
        var e = new Engine();
        e.Deposit(1, "10000");
        e.Deposit(2, "10000");
        e.Fill(1, Btc, +1, "1", "50000", leverage: 100);
        e.Fill(2, Btc, +1, "1.001", "50000", leverage: 100);
        e.Tick(Btc, "50000");
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 125));
        Assert.Equal(RejectReason.InvalidLeverage, e.SetLeverage(2, Btc, 125));
    }

    [Fact]
    public void A_notional_exactly_at_the_last_cap_may_open_and_one_lot_more_may_not()
    {
        // Last tier: 10,000,000 < x ≤ 20,000,000 at 10x. 400 BTC at 50,000 = 20,000,000, IM 2,000,000.
        var e = new Engine();
        e.Deposit(1, "3000000");
        Assert.Equal(RejectReason.NotionalAboveLimit, e.Fill(1, Btc, +1, "400.001", "50000", leverage: 10));
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "400", "50000", leverage: 10));
        Assert.Equal(Usd("2000000"), e.Margin(1, Btc));
        Assert.Equal(RejectReason.NotionalAboveLimit, e.Fill(1, Btc, +1, "0.001", "50000"));
    }

    [Fact]
    public void A_floor_inclusive_instrument_puts_the_cap_in_the_next_bracket()
    {
        var e = new Engine(BtcCatalog(BracketBoundary.FloorInclusive));
        e.Deposit(1, "3000000");
        Assert.Equal(RejectReason.InvalidLeverage, e.Fill(1, Btc, +1, "1", "50000", leverage: 125));
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "50000", leverage: 100));

        var f = new Engine(BtcCatalog(BracketBoundary.FloorInclusive));
        f.Deposit(1, "3000000");
        Assert.Equal(RejectReason.NotionalAboveLimit, f.Fill(1, Btc, +1, "400", "50000", leverage: 10));
        Assert.Equal(RejectReason.None, f.Fill(1, Btc, +1, "399.999", "50000", leverage: 10));
    }
}
