using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Liquidation;

/// <summary>A funding settlement runs the index check at the instrument's current mark, so funding liquidates at once.</summary>
public class FundingLiquidationTests
{
    private const int Btc = 0;

    /// <summary>1 BTC long at 20,000 at 10x (M 2,000) and a far short; mark 18,100. Equity 2,000 − 1,900 = 100, MM = 18,100 × 0.4% = 72.4.</summary>
    private static Engine LongNearItsLiquidationPrice()
    {
        var e = new Engine();
        e.Deposit(1, "10000");
        e.Deposit(2, "10000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "20000", leverage: 10));
        Assert.Equal(RejectReason.None, e.Fill(2, Btc, -1, "0.1", "20000", leverage: 10));
        e.Tick(Btc, "18100");
        Assert.Empty(e.Log.OfKind(EventKind.LiquidationOrder));
        return e;
    }

    [Fact]
    public void A_block_that_funding_alone_puts_in_breach_is_liquidated_by_the_settlement_command_itself()
    {
        Engine e = LongNearItsLiquidationPrice();
        int before = e.Log.Events.Count;
        long sequence = e.State.LastSequence + 1;

        // Rate 0.2% at the settlement price 20,000: the long pays 40 → M 1,960, equity at the mark 60 < 72.4.
        // At the settlement's own (older) price 20,000 the equity would be 1,960: checking there would miss it.
        Assert.Equal(RejectReason.None, e.Funding(Btc, "0.002", "20000"));

        List<EngineEvent> caused = e.Log.Events.Skip(before).ToList();
        Assert.Equal(EventKind.FundingApplied, caused[0].Kind);
        EngineEvent order = Assert.Single(caused, x => x.Kind == EventKind.LiquidationOrder);
        Assert.Equal(sequence, order.InputSequence);
        Assert.Equal(Qty("1"), order.Quantity);
        Assert.Equal(Px("18040"), order.Price); // BP = 20,000 − 1,960 / 1
        Assert.Equal(Px("18100"), order.TriggerMark);
        Assert.Equal(PositionStatus.Liquidating, e.State.Positions.Status[e.Slot(1, Btc)]);
        Assert.Equal(PositionStatus.Open, e.State.Positions.Status[e.Slot(2, Btc)]);
    }

    [Fact]
    public void Funding_that_leaves_the_block_above_maintenance_liquidates_nothing()
    {
        Engine e = LongNearItsLiquidationPrice();
        // Rate 0.1%: the long pays 20 → equity 80 ≥ 72.4.
        Assert.Equal(RejectReason.None, e.Funding(Btc, "0.001", "20000"));
        Assert.Empty(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(PositionStatus.Open, e.State.Positions.Status[e.Slot(1, Btc)]);
    }

    [Fact]
    public void The_check_touches_only_crossed_positions_and_leaves_the_others_funding_lazy()
    {
        Engine e = LongNearItsLiquidationPrice();
        int far = e.Slot(2, Btc);
        long snapshot = e.State.Positions.FundingSnapshot[far];
        long margin = e.State.Positions.Margin[far];
        e.Funding(Btc, "0.002", "20000");
        // The short was not crossed, so it was neither settled nor re-keyed: its stored block and snapshot are as before,
        // and only its effective margin shows the 0.1 × 40 = 4 it receives.
        Assert.Equal(snapshot, e.State.Positions.FundingSnapshot[far]);
        Assert.Equal(margin, e.State.Positions.Margin[far]);
        Assert.Equal(margin + Usd("4"), e.Margin(2, Btc));
    }

    [Fact]
    public void Before_the_first_mark_a_settlement_liquidates_nothing()
    {
        var e = new Engine();
        e.Deposit(1, "10000");
        e.Fill(1, Btc, +1, "1", "20000", leverage: 10);
        // Pays 1,940 → M 60, below MM 80 at the entry and settlement price 20,000; but no mark yet, so no order.
        Assert.Equal(RejectReason.None, e.Funding(Btc, "0.097", "20000"));
        Assert.Empty(e.Log.OfKind(EventKind.LiquidationOrder));
    }
}
