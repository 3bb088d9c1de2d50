using System.Net.Sockets;
using System.Text;
using Xunit;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary><c>liqengine run</c> as a System.CommandLine command, and its readiness reaching systemd.</summary>
[Collection("daemon processes")]
public class DaemonCliTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--Gateway:Port=7400", "--help")]
    public async Task Run_help_prints_the_help_and_exits_0_without_starting_the_daemon_or_creating_data(params string[] args)
    {
        using var dir = new Scenario.TempDir();

        (int exit, string stdout, string stderr) = await DaemonProcess.RunToEndAsync(dir.Path, args.Prepend("run"));

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("liqengine run [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("--Section:Key=value", stdout, StringComparison.Ordinal);
        Assert.Contains("--config", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path)); // no ./data, no daemon.json
    }

    [Fact]
    public async Task The_root_help_lists_run_beside_replay_and_convert()
    {
        using var dir = new Scenario.TempDir();

        (int exit, string stdout, _) = await DaemonProcess.RunToEndAsync(dir.Path, ["--help"]);

        Assert.Equal(0, exit);
        foreach (string command in new[] { "run", "replay", "convert" })
        {
            Assert.Matches($"\\n\\s+{command}\\s", stdout);
        }
    }

    [Fact]
    public async Task Settings_pass_to_the_host_as_key_value_pairs_in_either_spelling_and_from_a_config_file()
    {
        using var dir = new Scenario.TempDir();
        string settings = Path.Combine(dir.Path, "site.json");
        await File.WriteAllTextAsync(settings, "{ \"Gateway\": { \"MaxBodyBytes\": 300 } }");

        // The --config file, then "--Key value" (two tokens) over it; the gateway's Welcome carries MaxBodyBytes back.
        using (DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, ["--config", settings], null))
        using (GatewayClient client = await daemon.ConnectAsync())
        {
            Assert.Equal(300, client.Welcome.MaxBodyBytes);
            Assert.Equal(DaemonExitCodes.Clean, await daemon.TerminateAsync());
        }

        using (DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, ["--config", settings, "--Gateway:MaxBodyBytes", "400"], null))
        using (GatewayClient client = await daemon.ConnectAsync())
        {
            Assert.Equal(400, client.Welcome.MaxBodyBytes);
            Assert.Equal(DaemonExitCodes.Clean, await daemon.TerminateAsync());
        }
    }

    [Fact]
    public async Task Readiness_and_stopping_reach_systemd_through_sd_notify()
    {
        using var dir = new Scenario.TempDir();
        string socketPath = Path.Combine(dir.Path, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var received = new List<string>();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await notify.ReceiveAsync(buffer, SocketFlags.None);
                    lock (received)
                    {
                        received.Add(Encoding.UTF8.GetString(buffer, 0, n));
                    }
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // the test is over
            }
        });

        // The systemd notifier speaks only to a process whose parent is systemd (or that is PID 1 in a container):
        // a copy of sh named "systemd" runs the daemon as its child, with NOTIFY_SOCKET set as Type=notify sets it.
        string fakeSystemd = Path.Combine(dir.Path, "systemd");
        File.Copy("/bin/sh", fakeSystemd); // keeps the execute bits
        var info = new System.Diagnostics.ProcessStartInfo(fakeSystemd) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-c", "\"$@\" & wait $!", "systemd", DaemonProcess.DotnetHost, DaemonProcess.LiqengineDll, "run" }.Concat(DaemonProcess.TestArgs(dir.Path)))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var parent = System.Diagnostics.Process.Start(info)!;
        Task<string> log = parent.StandardOutput.ReadToEndAsync();
        string[] Seen()
        {
            lock (received)
            {
                return [.. received];
            }
        }

        string daemonJson = Path.Combine(dir.Path, "daemon.json");
        try
        {
            await WaitUntilAsync(() => Seen().Any(m => m.Contains("READY=1", StringComparison.Ordinal)), 60);

            // READY=1 comes only after recovery and after the gateway listens: daemon.json is already there.
            Assert.True(File.Exists(daemonJson), "READY=1 before the daemon was ready");
            int pid = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(daemonJson)).RootElement.GetProperty("pid").GetInt32();
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await WaitUntilAsync(() => Seen().Any(m => m.Contains("STOPPING=1", StringComparison.Ordinal)));
            await parent.WaitForExitAsync(DaemonProcess.Timeout(30));
            Assert.Equal(DaemonExitCodes.Clean, parent.ExitCode);
            Assert.Contains("final snapshot True", await log, StringComparison.Ordinal);
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 15)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out");
            await Task.Delay(20);
        }
    }
}
