using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>A faulted stage fails fast and loudly: a real full disk under the journal.</summary>
[Collection("daemon processes")]
public class DaemonFailFastTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int ShutdownTimeoutSeconds = 10;

    [Fact]
    public async Task When_the_disk_fills_the_journal_fault_is_logged_at_critical_the_daemon_exits_3_in_time_and_the_restart_keeps_every_acked_input()
    {
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "tmpfs");
        Directory.CreateDirectory(data);

        // A 1 MiB tmpfs holds the daemon.json and about 11,900 journal records of 88 bytes. Needs root (CI runs as root).
        await Shell("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data);
        try
        {
            long acked = 0;
            long sent = 0;
            int exit;
            var clock = new Stopwatch();
            using (DaemonProcess daemon = await DaemonProcess.StartAsync(data, "--Journal:FsyncPolicy=EveryBatch", $"--Daemon:ShutdownTimeoutSeconds={ShutdownTimeoutSeconds}"))
            using (var s = new GatewaySession(await daemon.ConnectAsync()))
            {
                // Deposits of 1 USDT to account 1, in pipelined batches of 500, until the daemon stops answering.
                while (!daemon.HasExited && !s.Closed && sent < 100_000)
                {
                    try
                    {
                        for (int i = 0; i < 500; i++)
                        {
                            await s.SendAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 1, Asset = 0, Amount = Usd("1") });
                            sent++;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                    {
                        break;
                    }

                    long before = acked;
                    var wait = Stopwatch.StartNew();
                    while (acked < sent && wait.Elapsed < TimeSpan.FromSeconds(2) && !s.Closed)
                    {
                        acked += s.DrainReplies().Count(m => m.Type == MessageType.Ack);
                        await Task.Delay(5);
                    }

                    if (acked == before)
                    {
                        break; // nothing more is acked: the journal cannot flush
                    }
                }

                clock.Start();
                exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(ShutdownTimeoutSeconds + 5)) ?? -1;
                clock.Stop();
                acked += s.DrainReplies().Count(m => m.Type == MessageType.Ack);
                output.WriteLine($"sent {sent}, acked {acked}; exited {exit} {clock.Elapsed.TotalSeconds:F1} s after the last ack");
                output.WriteLine(daemon.Output);

                Assert.Equal(DaemonExitCodes.StageFaulted, exit);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(ShutdownTimeoutSeconds), $"exited after {clock.Elapsed}");
                Assert.Matches(new Regex("crit: LiquidationEngine\\.Host\\.Daemon\\.DaemonService\\[13\\]\\s+The journal stage faulted: intake stopped; exiting with code 3", RegexOptions.Multiline), daemon.Output);
                Assert.Contains("No space left on device", daemon.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("final snapshot True", daemon.Output, StringComparison.Ordinal);
            }

            Assert.True(acked > 1000, $"only {acked} deposits were acked before the disk filled");
            Assert.True(acked < sent, "every deposit was acked: the disk never filled");

            // Free space, restart: every acked deposit is in the recovered balance. Deposits journaled but not yet
            // acknowledged may be there too (the client would resend those): at least once, never lost.
            await Shell("mount", "-o", "remount,size=64m", data);
            using DaemonProcess again = await DaemonProcess.StartAsync(data);
            using var after = new GatewaySession(await again.ConnectAsync());
            GatewayMessage balance = await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 1 });
            Assert.Equal(MessageType.AccountBalance, balance.Type);
            long units = balance.Event.Balance / Usd("1");
            output.WriteLine($"recovered balance {units} USDT");
            Assert.InRange(units, acked, sent);
            Assert.Equal(DaemonExitCodes.Clean, await again.TerminateAsync());
        }
        finally
        {
            await Shell("umount", "-l", data);
        }
    }

    private static async Task Shell(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{command} {string.Join(' ', args)} failed ({p.ExitCode}): {err} — this test mounts a tmpfs and needs root");
    }
}
