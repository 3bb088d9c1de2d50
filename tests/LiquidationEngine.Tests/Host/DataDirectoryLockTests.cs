using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>One daemon per data directory (issue 10, point 7), with real processes.</summary>
[Collection("daemon processes")]
public class DataDirectoryLockTests
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
}
