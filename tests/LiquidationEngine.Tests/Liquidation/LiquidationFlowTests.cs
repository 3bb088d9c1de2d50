using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Liquidation;

/// <summary>Orders, freezing, partial liquidation, settlement through the insurance fund, and ADL.</summary>
public class LiquidationFlowTests
{
    private const int Btc = 0;
    private const int Toy = 1;
    private const int BtcEntry = 2;

    [Fact]
    public void A_breach_emits_one_order_closing_the_position_at_its_bankruptcy_price()
    {
        Engine e = Engine.WithLong(); // M 2,000, BP 18,000, LP = 18,000/0.996 = 18,072.29
        e.Tick(Btc, "18073");
        Assert.Empty(e.Log.OfKind(EventKind.LiquidationOrder));
        e.Tick(Btc, "18072");
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(OrderKind.Full, o.OrderKind);
        Assert.Equal(-1, o.Side);
        Assert.Equal(Qty("1"), o.Quantity);
        Assert.Equal(Px("18000"), o.Price);
        Assert.Equal(Px("18072"), o.TriggerMark);
        Assert.Equal(1, o.Account);
        Assert.Equal(Btc, o.Instrument);
        Assert.Equal(e.State.Positions.PositionId(e.Slot(1, Btc)), o.PositionId);
        Assert.Equal(1, o.OrderId);

        // Frozen: no second order on further ticks.
        e.Tick(Btc, "15000");
        Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(PositionStatus.Liquidating, e.State.Positions.Status[e.Slot(1, Btc)]);
    }

    [Fact]
    public void The_liquidation_flow_never_reads_or_writes_the_cross_account()
    {
        // Every outcome: fill at BP, fill below BP, no-fill taken over by the fund. Main stays at what the open left.
        foreach (string outcome in new[] { "fill-bp", "fill-worse", "no-fill" })
        {
            var e = new Engine();
            e.Deposit(1, "10000");
            e.Deposit(2, "10000");
            e.InsuranceDeposit("100000");
            e.Fill(1, Btc, +1, "1", "20000", leverage: 10);
            e.Fill(2, Btc, -1, "0.5", "20000", leverage: 10);
            long main1 = e.Main(1), main2 = e.Main(2);
            e.Funding(Btc, "0.001", "20000");
            e.Tick(Btc, "17000");
            EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
            RejectReason r = outcome switch
            {
                "fill-bp" => e.LiquidationFill(o.OrderId, "1", "18020"),
                "fill-worse" => e.LiquidationFill(o.OrderId, "1", "17000"),
                _ => e.NoFill(o.OrderId),
            };
            Assert.Equal(RejectReason.None, r);
            Assert.Equal(main1, e.Main(1));
            Assert.Equal(main2, e.Main(2));
            Assert.Equal(-1, e.Slot(1, Btc));
        }
    }

    [Fact]
    public void A_settlement_names_the_position_account_and_instrument_even_when_it_closes_the_position()
    {
        var e = new Engine();
        e.Deposit(5, "10000");
        e.Fill(5, Btc, +1, "1", "20000", leverage: 10);
        e.Deposit(7, "10000", Usdc);
        e.Fill(7, 3, +1, "1", "2000", leverage: 10); // ETH-USDC
        e.Tick(3, "1700");
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        e.LiquidationFill(o.OrderId, "1", "1800");
        EngineEvent s = e.Log.OfKind(EventKind.LiquidationSettled).Single();
        Assert.Equal((7L, 3, (short)Usdc, o.PositionId), (s.Account, s.Instrument, s.Asset, s.PositionId));
        Assert.Equal(e.Fund(Usdc), s.FundBalance);
    }

    [Fact]
    public void Surplus_above_bankruptcy_goes_to_the_fund_after_the_fee()
    {
        // Long 1 at 20,000, M 2,000 (BP 18,000); filled at 18,100: block left 100, fee 18,100 × 0.3% = 54.3,
        // so the fund gets 54.3 + 45.7 = 100.
        Engine e = Engine.WithLong();
        e.Tick(Btc, "18050");
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        e.LiquidationFill(o.OrderId, "1", "18100");
        EngineEvent s = e.Log.OfKind(EventKind.LiquidationSettled).Single();
        Assert.Equal(Usd("54.3"), s.LiquidationFee);
        Assert.Equal(Usd("100"), s.FundDelta);
        Assert.Equal(Usd("100"), e.Fund());
    }

    [Theory]
    [InlineData(BracketBoundary.CapInclusive, "0.75")]
    [InlineData(BracketBoundary.FloorInclusive, "0.751")]
    public void A_partial_liquidation_may_keep_a_position_exactly_at_the_cap_when_caps_are_inclusive(BracketBoundary boundary, string closed)
    {
        // 2 BTC long at 50,000 at 5x: IM 20,000, plus 300 → M 20,300. At mark 40,000: notional 80,000 (tier 2,
        // MMR 0.5%, cum 50) → MM 350; equity 20,300 − 20,000 = 300 < 350: breach.
        // Cap-inclusive: keep 50,000 / 40,000 = 1.25 BTC (notional exactly at the 50,000 cap, tier 1). Closing 0.75 at
        // the mark costs 0.75 × 40,000 × 0.3% = 90; equity 300 − 90 = 210 ≥ 1.25 × 40,000 × 0.4% = 200.
        // Floor-inclusive: 1.25 would be tier 2, so keep 1.249: fee 90.12, equity 209.88 ≥ 49,960 × 0.4% = 199.84.
        var e = new Engine(BtcCatalog(boundary));
        e.Deposit(1, "30000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "2", "50000", leverage: 5));
        Assert.Equal(RejectReason.None, e.AddMargin(1, Btc, "300"));
        e.Tick(Btc, "40000");
        EngineEvent partial = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(OrderKind.Partial, partial.OrderKind);
        Assert.Equal(Qty(closed), partial.Quantity);
    }

    [Fact]
    public void A_position_above_the_first_bracket_is_first_reduced_to_the_lower_bracket_it_then_meets()
    {
        // 2.6 BTC long at 20,000 at 100x: notional 52,000 (bracket 2: MMR 0.5%, cum 50), IM 520, plus 80 → M 600.
        var p = new Engine();
        p.Deposit(1, "10000");
        p.Fill(1, Btc, +1, "2.6", "20000", leverage: 100);
        p.AddMargin(1, Btc, "80");
        // At 19,850: equity 600 − 390 = 210, MM = 51,610 × 0.5% − 50 = 208.05: no breach.
        p.Tick(Btc, "19850");
        Assert.Empty(p.Log.OfKind(EventKind.LiquidationOrder));
        // At 19,849: equity 207.4 < MM 208.0435 → breach. Largest size under the 50,000 cap: 2.519 BTC (49,999.63).
        // Closing 0.081 at the mark costs a fee of 0.081 × 19,849 × 0.3% = 4.82; equity 202.58 ≥ 0.4% × 49,999.63 = 199.998,
        // so only 0.081 BTC is liquidated.
        p.Tick(Btc, "19849");
        EngineEvent partial = Assert.Single(p.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(OrderKind.Partial, partial.OrderKind);
        Assert.Equal(Qty("0.081"), partial.Quantity);
        p.LiquidationFill(partial.OrderId, "0.081", "19849");
        Assert.Equal(PositionStatus.Open, p.State.Positions.Status[p.Slot(1, Btc)]);
        Assert.Equal(Qty("2.519"), p.Describe(1, Btc).Quantity);
        p.Tick(Btc, "19849");
        Assert.Single(p.Log.OfKind(EventKind.LiquidationOrder)); // it now meets its requirement
        p.Tick(Btc, "19700");
        EngineEvent rest = p.Log.OfKind(EventKind.LiquidationOrder).Last(); // still in breach later: the rest is closed
        Assert.Equal(OrderKind.Full, rest.OrderKind);
        Assert.Equal(Qty("2.519"), rest.Quantity);
    }

    [Fact]
    public void A_position_whose_lower_bracket_would_still_be_in_breach_is_closed_entirely()
    {
        // 2.6 BTC at 20,000 at 100x (M 520): at 19,849 equity 127.4; after a partial to 2.519 BTC it would be
        // 127.4 − 4.82 = 122.58 < 199.998, so the full position is ordered.
        Engine e = Engine.WithLong(qty: "2.6", leverage: 100);
        e.Tick(Btc, "19849");
        EngineEvent full = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(OrderKind.Full, full.OrderKind);
        Assert.Equal(Qty("2.6"), full.Quantity);
    }

    [Fact]
    public void Without_a_fill_the_fund_takes_the_position_over_at_the_bankruptcy_price_when_it_can()
    {
        // Long 1 at 20,000, BP 18,000, mark 17,000: the fund's loss to the mark is 1,000.
        Engine e = Engine.WithLong();
        e.InsuranceDeposit("5000");
        e.Tick(Btc, "17000");
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        e.NoFill(o.OrderId);
        Assert.Equal(Usd("4000"), e.Fund());
        Assert.Empty(e.Log.OfKind(EventKind.AdlOrder));
        Assert.Equal(-1, e.Slot(1, Btc));
    }

    [Fact]
    public void When_the_fund_cannot_cover_it_opposite_positions_are_deleveraged_by_rank_at_the_bankruptcy_price()
    {
        Engine e = Engine.WithLong(deposit: "100000"); // bankrupt long, BP 18,000
        // Shorts (opposite side), at mark 17,000:
        //   A: 0.5 at 20,000 at 10x: uPnL 1,500, M 1,000 → rank = 1,500/2,500 = 0.6
        //   B: 0.5 at 20,000 at 2x:  uPnL 1,500, M 5,000 → rank = 1,500/6,500 = 0.23
        //   C: 0.5 at 16,000 at 10x: uPnL −500,  M 800  → negative rank, last
        foreach ((long acct, string price, int lev) in new[] { (2L, "20000", 10), (3L, "20000", 2), (4L, "16000", 10) })
        {
            e.Deposit(acct, "100000");
            e.Fill(acct, Btc, -1, "0.5", price, lev);
        }

        e.Tick(Btc, "17000");
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        e.NoFill(o.OrderId); // fund is empty
        List<EngineEvent> adl = e.Log.OfKind(EventKind.AdlOrder).ToList();
        Assert.Equal(new long[] { 2, 3 }, adl.Select(x => x.Account));
        Assert.All(adl, x => Assert.Equal(Px("18000"), x.Price));
        Assert.All(adl, x => Assert.Equal(OrderKind.Adl, x.OrderKind));
        Assert.All(adl, x => Assert.Equal(+1, x.Side)); // buys to close the shorts
        Assert.Equal(-1, e.Slot(2, Btc));
        Assert.Equal(-1, e.Slot(3, Btc));
        Assert.NotEqual(-1, e.Slot(4, Btc));
        // A closed at 18,000: its block 1,000 + 0.5 × 2,000 = 2,000 returns to its main.
        Assert.Equal(Usd("100000") - Usd("1000") + Usd("2000"), e.Main(2));
    }

    [Fact]
    public void A_crash_tick_orders_every_breached_position_most_underwater_first_and_ticks_keep_flowing()
    {
        var e = new Engine(positions: 4096);
        var rng = new Random(9);
        for (int a = 1; a <= 3000; a++)
        {
            e.Deposit(a, "100000");
            e.Fill(a, Btc, +1, "0.01" , (20000 + rng.Next(-500, 500)).ToString(System.Globalization.CultureInfo.InvariantCulture), leverage: rng.Next(2, 120));
        }

        e.Tick(Btc, "14000"); // a 30% crash
        List<EngineEvent> orders = e.Log.OfKind(EventKind.LiquidationOrder).ToList();
        Assert.True(orders.Count > 2000);
        // Most underwater first: equity/MM at the crash mark never decreases along the orders.
        // equity = M + q(P − E), MM = q·P·0.4% (bracket 1), computed here from each order's own position data.
        double previous = double.MinValue;
        foreach (EngineEvent order in orders)
        {
            int slot = (int)(order.PositionId & 0xFFFFFFFF);
            double q = 0.01, entry = e.State.Positions.Entry[slot] / 1e8, margin = e.State.Positions.Margin[slot] / 1e8;
            double ratio = (margin + (q * (14000 - entry))) / (q * 14000 * 0.004);
            Assert.True(ratio >= previous - 1e-6, "orders are not most-underwater first");
            previous = ratio;
        }

        e.Tick(Btc, "14500");
        Assert.Equal(Px("14500"), e.State.Funding.Mark[Btc]);
    }

    [Fact]
    public void A_mark_far_beyond_64_bit_figures_still_liquidates_and_leaves_the_index_whole()
    {
        // Two shorts of 1,000,000 TOY at 10: at a mis-scaled mark of 100,000 their uPnL (−10^11) does not fit a
        // 64-bit raw money figure. The exact 128-bit check still finds them in breach and orders both.
        var e = new Engine();
        e.Deposit(1, "2000000");
        e.Deposit(2, "2000000");
        Assert.Equal(RejectReason.None, e.Fill(1, Toy, -1, "1000000", "10", leverage: 10));
        Assert.Equal(RejectReason.None, e.Fill(2, Toy, -1, "1000000", "10", leverage: 10));
        Assert.Equal(RejectReason.None, e.Tick(Toy, "100000"));
        Assert.Equal(2, e.Log.OfKind(EventKind.LiquidationOrder).Count());
        Assert.Equal(0, e.State.Index.CountOf(3)); // both left the short tree as Liquidating, none lost in between
        Exception? ex = Record.Exception(() => e.AddMargin(1, Toy, "1"));
        Assert.Null(ex);
    }

    // entry-basis instruments pick the partial-liquidation bracket by MARK notional, while their MM uses the ENTRY
    // notional. A position above the first entry bracket whose mark notional fell below the first cap is closed
    // entirely although reducing it into the first bracket clears the breach.
    [Fact]
    public void Entry_basis_partial_liquidation_uses_the_entry_bracket()
    {
        var e = new Engine();
        e.Deposit(1, "300000");
        Assert.Equal(RejectReason.None, e.Fill(1, BtcEntry, +1, "110", "20000", leverage: 10)); // 2.2M entry: bracket 2
        // MM(entry) = 2.2M*2.5% - 40,000 = 15,000; LP = 20,000 - (220,000 - 15,000)/110 = 18,136.36
        e.Tick(BtcEntry, "18100"); // 110*18,100 = 1.991M < 2M by mark
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        // Closing 10.001 at the mark leaves 99.999 (entry notional 1,999,980, MM 9,999.90) with equity ~10,456.95.
        Assert.Equal(OrderKind.Partial, o.OrderKind);
    }
}
