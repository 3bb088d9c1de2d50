using System.Globalization;
using LiquidationEngine.Host.Replay;
using LiquidationEngine.Instruments;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary><c>--fill bankruptcy</c> is not fee-free (docs/REPLAY.md, "Fill modes"): a partial order pays the full
/// liquidation fee out of the margin the rest of the block keeps; a full order pays what BP's rounding to the tick left.</summary>
public sealed class BankruptcyFeeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Bankruptcy_fills_charge_the_full_fee_on_partial_orders_and_the_tick_rounding_on_full_ones()
    {
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with { Fill = "bankruptcy", GeneratePositions = 5_000, StepSeconds = 10 });
        Assert.True(outcome.ExitCode == 0, printed);

        List<Dictionary<string, string>> rows = ReplayTestKit.ReadCsv(outcome.LiquidationsCsv!);
        var kinds = rows.Where(r => r["record"] == "order").ToDictionary(r => r["order_id"], r => r["order_kind"]);
        var fills = rows.Where(r => r["record"] == "fill").ToList();
        var partial = fills.Where(f => kinds[f["order_id"]] == "partial").ToList();
        var full = fills.Where(f => kinds[f["order_id"]] == "full").ToList();
        Assert.NotEmpty(partial);
        Assert.NotEmpty(full);

        int paidInFull = 0;
        foreach (Dictionary<string, string> f in partial)
        {
            // Fee = notional (rounded up to 10^-8) × rate, rounded up, as at any other fill price; capped by what the
            // block has left after the closed part's loss, which is far more than a full order's tick rounding.
            Instrument inst = Instrument(f);
            decimal notional = CeilTo8(D(f["quantity"]) * D(f["price"]));
            decimal fee = CeilTo8(notional * D(inst.LiquidationFeeRate.ToString()));
            decimal charged = D(f["liquidation_fee"]);
            Assert.InRange(charged, D(f["quantity"]) * D(inst.TickSize.ToString()), fee);
            paidInFull += charged == fee ? 1 : 0;
        }

        Assert.True(paidInFull > partial.Count / 2, $"{paidInFull} of {partial.Count} partial fills paid the full fee");

        int withinATick = 0;
        foreach (Dictionary<string, string> f in full)
        {
            // What the block has left at BP goes to the fund as the fee: BP's rounding against the trader (at most one
            // tick per unit), plus any funding credited to the block since the order's BP was computed.
            Instrument inst = Instrument(f);
            decimal leftover = D(f["liquidation_fee"]);
            Assert.InRange(leftover, 0m, CeilTo8(CeilTo8(D(f["quantity"]) * D(f["price"])) * D(inst.LiquidationFeeRate.ToString())));
            Assert.Equal(leftover, D(f["insurance_fund_delta"]));
            withinATick += leftover <= D(f["quantity"]) * D(inst.TickSize.ToString()) ? 1 : 0;
        }

        Assert.True(withinATick > full.Count / 2, $"{withinATick} of {full.Count} full fills left at most a tick per unit");

        decimal total = fills.Sum(f => D(f["liquidation_fee"]));
        Assert.True(total > 0);
        Assert.Contains($"fees {total.ToString("#,0.########", CultureInfo.InvariantCulture)}", printed, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static Instrument Instrument(Dictionary<string, string> row)
        => ReplayTestKit.Catalog.TryFind(row["instrument"], out Instrument i) ? i : throw new InvalidOperationException(row["instrument"]);

    private static decimal D(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static decimal CeilTo8(decimal v) => Math.Ceiling(v * 100_000_000m) / 100_000_000m;
}
