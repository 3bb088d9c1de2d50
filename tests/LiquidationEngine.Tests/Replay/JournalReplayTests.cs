using LiquidationEngine.Host.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>A replay is the daemon's code path: its inputs, recorded as a daemon journal, replay through the daemon's
/// journal replay to the same orders and the same final state hash.</summary>
public sealed class JournalReplayTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_replay_recorded_as_a_journal_replays_to_the_same_orders_and_state_hash()
    {
        string journal = _dir.File("journal");
        (ReplayOutcome run, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with
        {
            GeneratePositions = 3_000,
            StepSeconds = 20,
            JournalOutPath = journal,
        });
        Assert.True(run.ExitCode == 0, printed);
        Assert.True(run.Result!.OrdersByKind.Sum() > 0, "the scenario should liquidate something");

        (ReplayOutcome replayed, string journalPrinted) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("unused")) with { JournalPath = journal });
        Assert.True(replayed.ExitCode == 0, journalPrinted);
        Assert.Contains($"final state hash {run.Result.StateHash:x16}", journalPrinted, StringComparison.Ordinal);
        Assert.Contains($"0 rejects, {run.Result.OrdersByKind.Sum()} orders", journalPrinted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_journal_directory_is_refused()
    {
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with { JournalPath = _dir.File("nope") });
        Assert.Equal(ReplayCommand.ExitUsage, outcome.ExitCode);
        Assert.Contains("does not exist", printed, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
