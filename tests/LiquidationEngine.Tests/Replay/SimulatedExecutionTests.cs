using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Numerics;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Tests.Replay;

public sealed class SimulatedExecutionTests
{
    private const int Sell = -1;
    private const int Buy = 1;
    private static readonly long Tick = Px("0.1");

    [Fact]
    public void Bankruptcy_mode_fills_at_the_orders_limit_whatever_the_marks()
    {
        FillDecision d = new SimulatedExecution(FillMode.Bankruptcy).Decide(Sell, Px("27000"), Px("27100"), Px("20000"), Tick);
        Assert.Equal(new FillDecision(true, Px("27000"), false), d);
    }

    [Fact]
    public void Next_mark_mode_fills_at_the_next_mark_rounded_onto_the_tick_grid_against_the_trader()
    {
        var next = new SimulatedExecution(FillMode.NextMark);

        // A sell (closing a long) rounds down, a buy (closing a short) rounds up.
        Assert.Equal(new FillDecision(true, Px("27299.9"), false), next.Decide(Sell, Px("27000"), Px("27100"), Px("27299.98765432"), Tick));
        Assert.Equal(new FillDecision(true, Px("31200"), false), next.Decide(Buy, Px("31500"), Px("31400"), Px("31199.91"), Tick));
    }

    [Fact]
    public void Slippage_mode_moves_the_trigger_mark_against_the_trader_and_is_never_better_than_it()
    {
        var slip = new SimulatedExecution(FillMode.Slippage, SlippageBps: 5);

        // 27100 × (1 − 0.0005) = 27086.45 → down to the tick: 27086.4.
        Assert.Equal(new FillDecision(true, Px("27086.4"), false), slip.Decide(Sell, Px("27000"), Px("27100"), 0, Tick));

        // 31400 × (1 + 0.0005) = 31415.7, already on the grid.
        Assert.Equal(new FillDecision(true, Px("31415.7"), false), slip.Decide(Buy, Px("31500"), Px("31400"), 0, Tick));

        // Zero slippage fills at the trigger mark itself (rounded against the trader), never better.
        var none = new SimulatedExecution(FillMode.Slippage, SlippageBps: 0);
        Assert.Equal(Px("28150.2"), none.Decide(Sell, Px("28000"), Px("28150.27373413"), 0, Tick).Price);
        Assert.Equal(Px("28150.3"), none.Decide(Buy, Px("28300"), Px("28150.27373413"), 0, Tick).Price);
    }

    [Fact]
    public void A_price_beyond_the_bankruptcy_price_is_not_filled_unless_fills_beyond_the_limit_are_allowed()
    {
        // 27100 × 0.995 = 26964.5 < 27000: an IOC limited at 27000 cannot fill.
        var limited = new SimulatedExecution(FillMode.Slippage, SlippageBps: 50);
        Assert.Equal(new FillDecision(false, 0, true), limited.Decide(Sell, Px("27000"), Px("27100"), 0, Tick));

        var beyond = new SimulatedExecution(FillMode.Slippage, SlippageBps: 50, FillBeyondLimit: true);
        Assert.Equal(new FillDecision(true, Px("26964.5"), true), beyond.Decide(Sell, Px("27000"), Px("27100"), 0, Tick));

        // Next mark through the limit of a buy.
        var next = new SimulatedExecution(FillMode.NextMark);
        Assert.Equal(new FillDecision(false, 0, true), next.Decide(Buy, Px("31500"), Px("31400"), Px("31600"), Tick));
    }

    [Fact]
    public void No_fill_mode_never_fills()
        => Assert.Equal(new FillDecision(false, 0, false), new SimulatedExecution(FillMode.NoFill).Decide(Sell, Px("27000"), Px("27100"), Px("27300"), Tick));

    [Fact]
    public void A_decision_becomes_a_fill_or_no_fill_command_for_the_ring()
    {
        EngineCommand fill = SimulatedExecution.ToCommand(new FillDecision(true, Px("27300"), false), orderId: 7, quantity: Qty("1"), timestampUs: 5, sourceId: 3, clientSequence: 9);
        Assert.Equal((CommandKind.LiquidationFill, 7L, Qty("1"), Px("27300"), 5L, 3, 9L), (fill.Kind, fill.OrderId, fill.Quantity, fill.Price, fill.TimestampUs, fill.SourceId, fill.ClientSequence));

        EngineCommand noFill = SimulatedExecution.ToCommand(new FillDecision(false, 0, true), 8, Qty("1"), 5, 3, 9);
        Assert.Equal((CommandKind.LiquidationNoFill, 8L, 0L, 0L), (noFill.Kind, noFill.OrderId, noFill.Quantity, noFill.Price));
    }

    private static long Px(string s) => Price.Parse(s).Raw;

    private static long Qty(string s) => Quantity.Parse(s).Raw;
}
