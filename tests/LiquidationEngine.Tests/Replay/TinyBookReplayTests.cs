using LiquidationEngine.Host.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>
/// A hand-built book of three BTC-USDT-PERP positions replayed over a short generic-CSV mark path through the whole
/// command (positions file, feed reader, pipeline, simulated matching engine, liquidations file). Every expected figure
/// is worked out by hand in the comments from REFERENCE.md §3 and §6 with the config's BTC table (bracket 1: MMR 0.4%,
/// cum 0, below 50,000 notional; liquidation fee 0.3%; tick 0.1).
/// </summary>
/// <remarks>
/// A: long 1 @ 30,000, 10x → M = 3,000. LP = (3,000 − 30,000)/(0.004 − 1) = 27,108.43…; BP = 30,000 − 3,000 = 27,000.
/// B: short 1 @ 30,000, 20x → M = 1,500. LP = (1,500 + 30,000)/(0.004 + 1) = 31,374.50…; BP = 30,000 + 1,500 = 31,500.
/// C: long 0.5 @ 30,000, 5x → M = 3,000. LP = 24,096.38…: the path never reaches it.
/// At 27,100 A's equity is 3,000 − 2,900 = 100 &lt; MM 108.4: breached. At 31,400 B's equity is 1,500 − 1,400 = 100 &lt; MM 125.6.
/// </remarks>
public sealed class TinyBookReplayTests : IDisposable
{
    private const string Book = """
        # three isolated BTC positions
        balance,1,USDT,10000
        balance,2,USDT,10000
        balance,3,USDT,10000
        position,1,BTCUSDT,long,1,30000,10
        position,2,BTC-USDT-PERP,short,1,30000,20
        position,3,BTC-USDT-PERP,long,0.5,30000,5
        """;

    // A triggers at 27,100 (next mark 27,300); B triggers at 31,400 (next mark 31,200).
    private const string Marks = """
        timestamp,symbol,mark_price
        2024-01-01T00:00:00Z,BTCUSDT,30000
        2024-01-01T00:00:01Z,BTCUSDT,29000
        2024-01-01T00:00:02Z,BTCUSDT,27100
        2024-01-01T00:00:03Z,BTCUSDT,27300
        2024-01-01T00:00:04Z,BTCUSDT,28000
        2024-01-01T00:00:05Z,BTCUSDT,31000
        2024-01-01T00:00:06Z,BTCUSDT,31400
        2024-01-01T00:00:07Z,BTCUSDT,31200
        2024-01-01T00:00:08Z,BTCUSDT,30000
        """;

    // The mark gaps from 30,000 straight through A's bankruptcy price.
    private const string GapMarks = """
        timestamp,symbol,mark_price
        2024-01-01T00:00:00Z,BTCUSDT,30000
        2024-01-01T00:00:01Z,BTCUSDT,26800
        2024-01-01T00:00:02Z,BTCUSDT,26900
        """;

    private readonly TempDirectory _dir = new();

    [Fact]
    public void The_engine_emits_one_full_order_per_breached_position_with_the_bankruptcy_price_as_limit()
    {
        List<Dictionary<string, string>> rows = Replay("bankruptcy");
        var orders = rows.Where(r => r["record"] == "order").ToList();
        Assert.Equal(2, orders.Count);
        AssertRow(orders[0], ("account", "1"), ("side", "sell"), ("order_kind", "full"), ("quantity", "1"), ("price", "27000"), ("bankruptcy_price", "27000"),
            ("trigger_mark", "27100"), ("time_utc", "2024-01-01T00:00:02.000000Z"));
        AssertRow(orders[1], ("account", "2"), ("side", "buy"), ("order_kind", "full"), ("quantity", "1"), ("price", "31500"), ("bankruptcy_price", "31500"),
            ("trigger_mark", "31400"), ("time_utc", "2024-01-01T00:00:06.000000Z"));
        Assert.DoesNotContain(rows, r => r["account"] == "3");
    }

    [Fact]
    public void A_bankruptcy_price_fill_leaves_nothing_for_the_fee_or_the_fund()
    {
        // At BP the block is exactly 0: the 0.3% fee is charged only out of what is left, so 0.
        List<Dictionary<string, string>> fills = Fills(Replay("bankruptcy"));
        AssertRow(fills[0], ("price", "27000"), ("realised_pnl", "-3000"), ("liquidation_fee", "0"), ("insurance_fund_delta", "0"), ("execution", "bankruptcy"));
        AssertRow(fills[1], ("price", "31500"), ("realised_pnl", "-1500"), ("liquidation_fee", "0"), ("insurance_fund_delta", "0"));
    }

    [Fact]
    public void A_next_mark_fill_better_than_bankruptcy_pays_the_fee_and_the_surplus_to_the_fund()
    {
        List<Dictionary<string, string>> rows = Replay("next-mark", out ReplayOutcome outcome);
        List<Dictionary<string, string>> fills = Fills(rows);

        // A sells 1 at the next mark 27,300: PnL −2,700 leaves 300; fee 0.3% × 27,300 = 81.9; the other 218.1 is surplus: fund +300.
        AssertRow(fills[0], ("side", "sell"), ("quantity", "1"), ("price", "27300"), ("notional", "27300"), ("realised_pnl", "-2700"),
            ("liquidation_fee", "81.9"), ("insurance_fund_delta", "300"), ("execution", "next-mark"));

        // B buys 1 at the next mark 31,200: PnL −1,200 leaves 300; fee 0.3% × 31,200 = 93.6; fund +300.
        AssertRow(fills[1], ("side", "buy"), ("price", "31200"), ("realised_pnl", "-1200"), ("liquidation_fee", "93.6"), ("insurance_fund_delta", "300"));

        // The fund ends at 600 and the fees total 175.5; the long at 5x is still open.
        Assert.Equal(60_000_000_000, outcome.Result!.InsuranceFundEnd[0]);
        Assert.Equal(17_550_000_000, outcome.Result.Fees[0]);
        Assert.Equal(1, outcome.Result.PositionsOpenAtEnd);
        Assert.Equal(0, outcome.Result.OpenOrdersAtEnd);
    }

    [Fact]
    public void A_slippage_fill_is_charged_the_fee_only_out_of_what_the_block_has_left()
    {
        List<Dictionary<string, string>> fills = Fills(Replay("slippage", slippageBps: 5));

        // A: 27,100 × 0.9995 = 27,086.45 → 27,086.4 (down to the tick). PnL −2,913.6 leaves 86.4; fee 0.3% × 27,086.4 = 81.2592;
        // the 5.1408 surplus also goes to the fund: +86.4.
        AssertRow(fills[0], ("price", "27086.4"), ("realised_pnl", "-2913.6"), ("liquidation_fee", "81.2592"), ("insurance_fund_delta", "86.4"),
            ("execution", "slippage 5 bps"));

        // B: 31,400 × 1.0005 = 31,415.7. PnL −1,415.7 leaves 84.3, less than the 94.2471 fee: the fee takes all 84.3.
        AssertRow(fills[1], ("price", "31415.7"), ("realised_pnl", "-1415.7"), ("liquidation_fee", "84.3"), ("insurance_fund_delta", "84.3"));
    }

    [Fact]
    public void A_slippage_price_through_the_bankruptcy_price_is_not_filled_and_the_fund_takes_the_position_over()
    {
        List<Dictionary<string, string>> rows = Replay("slippage", slippageBps: 50, out ReplayOutcome outcome);

        // 27,100 × 0.995 = 26,964.5 < BP 27,000 and 31,400 × 1.005 = 31,557 > BP 31,500: the IOC orders cannot fill. The fund
        // takes each over at its BP; the mark (27,100 / 31,400) is still on the good side of BP, so it books no loss.
        var takeovers = rows.Where(r => r["record"] == "takeover").ToList();
        Assert.Equal(2, takeovers.Count);
        AssertRow(takeovers[0], ("quantity", "1"), ("price", "27000"), ("realised_pnl", "-3000"), ("insurance_fund_delta", "0"), ("execution", "no-fill (beyond limit)"));
        AssertRow(takeovers[1], ("quantity", "1"), ("price", "31500"), ("realised_pnl", "-1500"), ("insurance_fund_delta", "0"));
        Assert.Equal(2, outcome.Result!.BeyondLimit);
        Assert.Equal(0, outcome.Result.OrdersByKind[3]);
    }

    [Fact]
    public void A_fill_allowed_beyond_the_bankruptcy_price_makes_the_fund_pay_the_shortfall()
    {
        List<Dictionary<string, string>> fills = Fills(Replay("slippage", slippageBps: 50, beyondLimit: true));

        // A sells at 26,964.5: PnL −3,035.5 against a block of 3,000: the fund pays 35.5 (BitMEX: "the fund pays the shortfall").
        AssertRow(fills[0], ("price", "26964.5"), ("realised_pnl", "-3035.5"), ("liquidation_fee", "0"), ("insurance_fund_delta", "-35.5"),
            ("execution", "slippage 50 bps (fills beyond the limit allowed) beyond-limit"));

        // B buys at 31,557: PnL −1,557 against 1,500: the fund pays 57.
        AssertRow(fills[1], ("price", "31557"), ("realised_pnl", "-1557"), ("insurance_fund_delta", "-57"));
    }

    [Fact]
    public void A_no_fill_through_the_bankruptcy_price_with_an_empty_fund_deleverages_the_opposite_position()
    {
        List<Dictionary<string, string>> rows = Replay("no-fill", marks: GapMarks, out ReplayOutcome outcome);

        // A is triggered at 26,800, already 200 below its BP: taking it over would cost the empty fund 200, so B (the only
        // short) is deleveraged: it buys A's 1 BTC at A's BP, 27,000, realising 30,000 − 27,000 = +3,000.
        Dictionary<string, string> order = Assert.Single(rows, r => r["record"] == "order");
        Dictionary<string, string> adl = Assert.Single(rows, r => r["record"] == "adl");
        AssertRow(adl, ("account", "2"), ("side", "buy"), ("quantity", "1"), ("price", "27000"), ("cause_order_id", order["order_id"]), ("realised_pnl", "3000"),
            ("order_kind", "adl"));

        // Nothing was left for the fund to take over.
        AssertRow(Assert.Single(rows, r => r["record"] == "takeover"), ("quantity", "0"), ("insurance_fund_delta", "0"));
        Assert.Equal(0, outcome.Result!.InsuranceFundEnd[0]);
        Assert.Equal(1, outcome.Result.OrdersByKind[3]);
        Assert.Equal(1, outcome.Result.PositionsOpenAtEnd);
    }

    [Fact]
    public void A_no_fill_through_the_bankruptcy_price_is_taken_over_by_a_fund_that_can_absorb_the_loss()
    {
        List<Dictionary<string, string>> rows = Replay("no-fill", marks: GapMarks, out ReplayOutcome outcome, insuranceFund: "1000");

        // The fund takes A over at BP 27,000 while the mark is 26,800: it books the 200 loss to the mark. No ADL.
        AssertRow(Assert.Single(rows, r => r["record"] == "takeover"), ("quantity", "1"), ("price", "27000"), ("insurance_fund_delta", "-200"));
        Assert.DoesNotContain(rows, r => r["record"] == "adl");
        Assert.Equal(80_000_000_000, outcome.Result!.InsuranceFundEnd[0]);
        Assert.Equal(2, outcome.Result.PositionsOpenAtEnd);
    }

    [Fact]
    public void Every_replayed_input_is_answered_and_timed()
    {
        _ = Replay("next-mark", out ReplayOutcome outcome);
        ReplayOutcome o = outcome;

        // Nine marks and two fill reports, each acknowledged once: nine + two latency samples.
        Assert.Equal(9, o.Result!.Marks);
        Assert.Equal(2, o.Result.Fills);
        Assert.Equal(11, o.Result.Latency.TotalCount);
        Assert.Equal(0, o.Result.ExecutionRejects);
    }

    public void Dispose() => _dir.Dispose();

    private List<Dictionary<string, string>> Replay(string fill, int slippageBps = 0, bool beyondLimit = false)
        => Replay(fill, Marks, out _, slippageBps: slippageBps, beyondLimit: beyondLimit);

    private List<Dictionary<string, string>> Replay(string fill, out ReplayOutcome outcome)
        => Replay(fill, Marks, out outcome);

    private List<Dictionary<string, string>> Replay(string fill, int slippageBps, out ReplayOutcome outcome)
        => Replay(fill, Marks, out outcome, slippageBps: slippageBps);

    private List<Dictionary<string, string>> Replay(string fill, string marks, out ReplayOutcome outcome, string insuranceFund = "0", int slippageBps = 0, bool beyondLimit = false)
    {
        string name = $"{fill}-{slippageBps}-{beyondLimit}-{insuranceFund}-{marks.Length}";
        ReplayOptions options = ReplayTestKit.Options(_dir.File("out-" + name)) with
        {
            Inputs = [_dir.Write(name + "-marks.csv", marks)],
            PositionsPath = _dir.Write(name + "-book.csv", Book),
            Fill = fill,
            SlippageBps = slippageBps,
            FillBeyondLimit = beyondLimit,
            InsuranceFund = insuranceFund,
        };
        (outcome, string printed) = ReplayTestKit.Run(options);
        Assert.True(outcome.ExitCode == 0, printed);
        return ReplayTestKit.ReadCsv(outcome.LiquidationsCsv!);
    }

    private static List<Dictionary<string, string>> Fills(List<Dictionary<string, string>> rows)
    {
        var fills = rows.Where(r => r["record"] == "fill").ToList();
        Assert.Equal(2, fills.Count);
        return fills;
    }

    private static void AssertRow(Dictionary<string, string> row, params (string Column, string Expected)[] expected)
    {
        foreach ((string column, string value) in expected)
        {
            Assert.True(row[column] == value, $"{column}: expected {value}, got {row[column]} in {string.Join(",", row.Select(kv => kv.Key + "=" + kv.Value))}");
        }
    }
}
