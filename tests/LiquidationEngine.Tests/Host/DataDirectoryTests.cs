using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>The data directory with real processes: one daemon per directory (issue 10, point 7), and journal
/// damage refused at start-up, repaired only on request (point 6).</summary>
[Collection("daemon processes")]
public class DataDirectoryTests
{
    [Fact]
    public async Task A_second_daemon_on_the_same_data_directory_exits_1_naming_the_holders_pid_and_the_first_keeps_working()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess first = await DaemonProcess.StartAsync(dir.Path);
        using var s = new GatewaySession(await first.ConnectAsync());
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 7, Asset = 0, Amount = Usd("100") })).Type);

        using DaemonProcess second = DaemonProcess.Launch(dir.Path, DaemonProcess.TestArgs(dir.Path));
        Assert.Equal(DaemonExitCodes.StartFailed, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"is in use by another daemon (PID {first.Pid}", second.Errors, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, DataDirectoryLock.FileName), second.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Errors, StringComparison.Ordinal);

        // The first still acks, and its journal holds only its own inputs.
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 7, Asset = 0, Amount = Usd("50") })).Type);
        GatewayMessage balance = await s.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 7 });
        Assert.Equal(Usd("150"), balance.Event.Balance);
    }

    [Fact]
    public async Task After_the_holder_is_killed_the_lock_is_free_and_the_next_daemon_recovers_its_inputs()
    {
        using var dir = new Scenario.TempDir();
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 3, Asset = 0, Amount = Usd("42") })).Type);
            first.Kill();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // kill -9 leaves daemon.lock and daemon.pid behind; the kernel released the flock, so they do not block.
        Assert.True(File.Exists(Path.Combine(dir.Path, DataDirectoryLock.FileName)));
        using DaemonProcess next = await DaemonProcess.StartAsync(dir.Path);
        using var after = new GatewaySession(await next.ConnectAsync());
        GatewayMessage balance = await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 3 });
        Assert.Equal(Usd("42"), balance.Event.Balance);
        Assert.Equal(next.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(dir.Path, DataDirectoryLock.PidFileName)).Trim());
    }

    [Theory]
    [InlineData(false)] // a byte of the segment header
    [InlineData(true)] // a byte of the last flushed (acked) record
    public async Task A_damaged_journal_stops_start_up_with_exit_1_and_Journal_Repair_restarts_it_without_a_stack_trace(bool lastRecord)
    {
        using var dir = new Scenario.TempDir();
        const int Deposits = 40;
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            for (int i = 0; i < Deposits; i++)
            {
                Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 5, Asset = 0, Amount = Usd("1") })).Type);
            }

            first.Kill(); // no final snapshot: the journal is the only copy of the acked deposits
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        string segment = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "journal"), "journal-*.lqj"));
        long offset = lastRecord ? new FileInfo(segment).Length - JournalRecord.Size : 0;
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[offset + 30] ^= 0x04;
        File.WriteAllBytes(segment, bytes);

        using (DaemonProcess refused = DaemonProcess.Launch(dir.Path, DaemonProcess.TestArgs(dir.Path)))
        {
            Assert.Equal(DaemonExitCodes.StartFailed, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"{segment}: offset {offset}: bad ", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("--Journal:Repair=true", refused.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Errors, StringComparison.Ordinal);
        }

        Assert.Equal(bytes.Length, new FileInfo(segment).Length);

        // The header is rebuilt from its first record (no deposit lost); a damaged record is cut and kept aside.
        using DaemonProcess repaired = await DaemonProcess.StartAsync(dir.Path, "--Journal:Repair=true");
        using var after = new GatewaySession(await repaired.ConnectAsync());
        GatewayMessage balance = await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 5 });
        Assert.Equal(Usd("1") * (lastRecord ? Deposits - 1 : Deposits), balance.Event.Balance);
        Assert.Contains("Journal repaired on request (Journal:Repair)", repaired.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "journal", JournalRepair.AsideFolder)));
    }
}
