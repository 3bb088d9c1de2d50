using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Risk;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>Every worked example of shared/REFERENCE.md, reproduced exactly. Expected values are worked by hand in the comments.</summary>
public class WorkedExampleTests
{
    private static readonly InstrumentCatalog Cat = Catalog();
    private static Instrument Btc => Cat[0];

    [Fact]
    public void Faq_level_three_maintenance_amount_is_1300_and_the_table_is_accepted()
    {
        // cum_3 = 250,000 × (1% − 0.5%) + 50 = 1,300.
        Assert.Equal(Usd("1300"), Btc.Brackets[2].MaintenanceAmount.Raw);
    }

    [Fact]
    public void Maintenance_margin_at_500k_notional_is_3700()
    {
        // 10 BTC at 50,000 = 500,000 notional, bracket 3: 500,000 × 1% − 1,300 = 3,700.
        var p = new RiskInputs(1, Qty("10"), Px("50000"), Usd("100000"), 1);
        Assert.Equal(Usd("3700"), PositionRisk.MaintenanceMargin(p, Btc, Px("50000")));
    }

    [Fact]
    public void Maintenance_margin_is_continuous_at_one_million_notional()
    {
        // At exactly 1,000,000 the 2.5% bracket applies: 25,000 − 16,300 = 8,700; just below it the 1% bracket: ≈ 10,000 − 1,300.
        var at = new RiskInputs(1, Qty("20"), Px("50000"), Usd("100000"), 1);
        Assert.Equal(Usd("8700"), PositionRisk.MaintenanceMargin(at, Btc, Px("50000")));
        Assert.Equal(Usd("8700"), PositionRisk.MaintenanceMargin(at, Btc, Px("49999.99")) + Usd("0.002"));
    }

    [Fact]
    public void Freqtrade_toy_long_liquidation_price_is_8_0707()
    {
        // LP = (2.01 − 10)/(0.01 − 1) = 8.070707…; rounded up at 8 decimals for a long.
        var p = new RiskInputs(1, Qty("1"), Px("10"), Usd("2"), 5);
        Assert.True(PositionRisk.TryLiquidationPrice(p, Cat[1], out long lp));
        Assert.Equal("8.07070708", new Price(lp).ToString());
    }

    [Fact]
    public void Freqtrade_toy_short_liquidation_price_is_11_8911()
    {
        // LP = (2.01 + 10)/(0.01 + 1) = 11.891089108…; rounded down for a short.
        var p = new RiskInputs(-1, Qty("1"), Px("10"), Usd("2"), 5);
        Assert.True(PositionRisk.TryLiquidationPrice(p, Cat[1], out long lp));
        Assert.Equal(Px("11.8910891"), lp);
    }

    [Fact]
    public void Bybit_bankruptcy_price_of_a_50x_long_at_10000_is_9800()
    {
        // M = IM = 10,000/50 = 200; BP = 10,000 − 200/1 = 9,800.
        var e = new Engine();
        e.Deposit(1, "1000");
        Assert.Equal(Ledger_.None, e.Fill(1, 0, +1, "1", "10000", leverage: 50));
        Assert.Equal(Usd("200"), e.Margin(1, 0));
        Assert.Equal(Px("9800"), e.Describe(1, 0).BankruptcyPrice);
    }

    [Fact]
    public void Bybit_entry_basis_liquidation_price_of_a_50x_long_at_20000_is_19700()
    {
        // IM = 400, MM = 20,000 × 0.5% = 100, LP = 20,000 − (400 − 100)/1 = 19,700.
        var e = new Engine();
        e.Deposit(1, "1000");
        Assert.Equal(Ledger_.None, e.Fill(1, 2, +1, "1", "20000", leverage: 50));
        EngineEvent d = e.Describe(1, 2);
        Assert.Equal(Usd("400"), d.Margin);
        Assert.Equal(Usd("100"), d.MaintenanceMargin);
        Assert.Equal(Px("19700"), d.LiquidationPrice);
    }

    [Fact]
    public void Seed_example_a_10x_position_risks_only_its_100_margin_and_the_other_900_are_untouched()
    {
        // 1,000 USDT account, 0.05 BTC at 20,000 = 1,000 notional at 10x: margin 100, main 900.
        var e = new Engine();
        e.Deposit(7, "1000");
        e.Fill(7, 0, +1, "0.05", "20000", leverage: 10);
        Assert.Equal(Usd("900"), e.Main(7));
        Assert.Equal(Usd("100"), e.Margin(7, 0));
        e.Tick(0, "15000");
        EngineEvent order = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        e.LiquidationFill(order.OrderId, "0.05", new Price(order.Price).ToString());
        Assert.Equal(Usd("900"), e.Main(7));
        Assert.Equal(-1, e.Slot(7, 0));
    }

    [Fact]
    public void Seed_example_500_at_10x_is_5000_notional_with_maintenance_25()
    {
        var e = new Engine();
        e.Deposit(1, "500");
        e.Fill(1, 2, +1, "0.25", "20000", leverage: 10); // 5,000 notional, margin 500, on the 0.5% instrument
        EngineEvent d = e.Describe(1, 2);
        Assert.Equal(Usd("500"), d.Margin);
        Assert.Equal(Usd("25"), d.MaintenanceMargin); // 5,000 × 0.5%
    }

    [Fact]
    public void Seed_example_500_at_5x_is_liquidated_after_slightly_less_than_a_20_percent_move()
    {
        // 0.1 BTC at 25,000 = 2,500 notional, M = 500. LP = (2,500 − 500)/(0.1 × (1 − 0.004)) = 20,080.3212…
        var e = new Engine();
        e.Deposit(1, "500");
        e.Fill(1, 0, +1, "0.1", "25000", leverage: 5);
        long lp = e.Describe(1, 0).LiquidationPrice;
        Assert.Equal(Px("20080.32128515"), lp);
        long move = Px("25000") - lp;
        Assert.InRange(move, Px("4900"), Px("5000") - 1); // just under 20% of 25,000
    }

    [Fact]
    public void A_long_with_margin_at_least_its_notional_has_no_liquidation_price()
    {
        var e = new Engine();
        e.Deposit(1, "5000");
        e.Fill(1, 0, +1, "0.1", "20000", leverage: 1); // margin 2,000 = notional
        e.AddMargin(1, 0, "100");
        EngineEvent d = e.Describe(1, 0);
        Assert.Equal(EngineEvent.NoPrice, d.LiquidationPrice);
    }

    [Fact]
    public void Liquidation_fee_is_180_on_2_btc_and_45_on_a_half_btc_partial_at_30000()
    {
        // Fee = 0.3% of the liquidated notional only: 2 × 30,000 × 0.003 = 180; 0.5 × 30,000 × 0.003 = 45.
        Assert.Equal(Usd("45"), FixedMath.Apply(FixedMath.Notional(Q("0.5"), P("30000"), Rounding.Up), Btc.LiquidationFeeRate, Rounding.Up).Raw);
        Assert.Equal(Usd("180"), FixedMath.Apply(FixedMath.Notional(Q("2"), P("30000"), Rounding.Up), Btc.LiquidationFeeRate, Rounding.Up).Raw);
        var e = new Engine();
        e.Deposit(1, "10000");
        e.Fill(1, 0, +1, "2", "33000", leverage: 20);
        e.Tick(0, "30000");
        EngineEvent order = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        long fundBefore = e.Fund();
        Assert.Equal(Qty("2"), order.Quantity);
        e.LiquidationFill(order.OrderId, "0.5", "30000");
        EngineEvent settled = e.Log.OfKind(EventKind.LiquidationSettled).Last();
        Assert.Equal(Usd("45"), settled.MaintenanceMargin); // the fee, on the 0.5 BTC filled only
        Assert.Equal(Usd("45"), e.Fund() - fundBefore);
    }

    [Fact]
    public void Bitmex_example_a_fill_below_bankruptcy_costs_the_fund_a_quarter_per_contract()
    {
        // Long 1 at 100 with BP 99 (M = 1) filled at 98.75: the block is 0.25 short, the fund pays it.
        var e = new Engine();
        e.Deposit(1, "10");
        e.Fill(1, 0, +1, "1", "100", leverage: 100); // IM = 1, MM = 0.4, LP = 99/0.996 = 99.3975…
        e.Tick(0, "99.3");
        EngineEvent order = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(Px("99"), order.Price);
        e.InsuranceDeposit("100");
        long before = e.Fund();
        e.LiquidationFill(order.OrderId, "1", "98.75");
        Assert.Equal(-Usd("0.25"), e.Fund() - before);
    }

    private static class Ledger_
    {
        public const LiquidationEngine.Contracts.RejectReason None = LiquidationEngine.Contracts.RejectReason.None;
    }
}
