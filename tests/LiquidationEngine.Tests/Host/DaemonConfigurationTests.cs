using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Xunit;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>Bad configuration: every bad key is named with its value and the reason, all at once; the process exits 2
/// with that list on stderr and no stack trace, before it opens or writes anything.</summary>
[Collection("daemon processes")]
public class DaemonConfigurationTests
{
    private static readonly string LongSecret = new('x', 300);

    /// <summary>Every bad setting an operator is likely to type, with the exact line it must produce.</summary>
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Gateway:Port", "70000", "Gateway:Port = '70000': must be between 0 and 65535" },
        { "Gateway:Port", "-1", "Gateway:Port = '-1': must be between 0 and 65535" },
        { "Gateway:Port", "abc", "Gateway:Port = 'abc': not a whole number between -2147483648 and 2147483647" },
        { "Gateway:Address", "localhost", "Gateway:Address = 'localhost': not an IP address" },
        { "Gateway:MaxBodyBytes", "100", "Gateway:MaxBodyBytes = '100': must be between 256 and 1048576" },
        { "Gateway:MaxConnections", "0", "Gateway:MaxConnections = '0': must be between 1 and 10000" },
        { "Gateway:OutboundBufferBytes", "1", "Gateway:OutboundBufferBytes = '1': must be between 4096 and 1073741824" },
        { "Gateway:SocketSendBufferBytes", "-5", "Gateway:SocketSendBufferBytes = '-5': must be between 0 and 1073741824" },
        { "Gateway:OrderLogCapacity", "0", "Gateway:OrderLogCapacity = '0': must be between 1 and 16777216" },
        { "Gateway:SharedSecret", LongSecret, "Gateway:SharedSecret: at most 256 bytes of UTF-8" },
        { "Gateway:Prot", "7400", "Gateway:Prot: unknown key (did you mean Gateway:Port?)" },
        { "Gateway:maxconnection", "5", "Gateway:maxconnection: unknown key (did you mean Gateway:MaxConnections?)" },
        { "Gateway:Port:Inner", "1", "Gateway:Port: expected a value, found a section" },
        { "Engine:WaitStrategy", "spin-forever", "Engine:WaitStrategy = 'spin-forever': must be one of busy-spin, yielding, sleeping, blocking" },
        { "Engine:RingSize", "1000", "Engine:RingSize = '1000': must be a power of two between 16 and 16777216" },
        { "Engine:RingSize", "8", "Engine:RingSize = '8': must be a power of two between 16 and 16777216" },
        { "Engine:RingSize", "33554432", "Engine:RingSize = '33554432': must be a power of two between 16 and 16777216" },
        { "Engine:OutputRingSize", "0", "Engine:OutputRingSize = '0': must be a power of two between 16 and 16777216" },
        { "Engine:PositionCapacity", "0", "Engine:PositionCapacity = '0': must be between 16 and 134217728" },
        { "Engine:PositionCapacity", "268435456", "Engine:PositionCapacity = '268435456': must be between 16 and 134217728" },
        { "Engine:AccountCapacity", "abc", "Engine:AccountCapacity = 'abc': not a whole number between -2147483648 and 2147483647" },
        { "Engine:OpenOrderCapacity", "999999999999", "Engine:OpenOrderCapacity = '999999999999': not a whole number between -2147483648 and 2147483647" },
        { "Engine:InstrumentsPath", "/nope/instruments.json", "Engine:InstrumentsPath = '/nope/instruments.json': file not found (looked for /nope/instruments.json)" },
        { "Engine:InstrumentsPath", "", "Engine:InstrumentsPath = '': must name the instrument catalog" },
        { "Engine:Instruments", "x.json", "Engine:Instruments: unknown key (did you mean Engine:InstrumentsPath?)" },
        { "Journal:FsyncPolicy", "Sometimes", "Journal:FsyncPolicy = 'Sometimes': must be one of None, EveryBatch, Interval" },
        { "Journal:FsyncPolicy", "7", "Journal:FsyncPolicy = '7': must be None, EveryBatch or Interval" },
        { "Journal:FsyncIntervalMs", "0", "Journal:FsyncIntervalMs = '0': must be between 1 and 60000" },
        { "Journal:SegmentBytes", "5", "Journal:SegmentBytes = '5': must be between 65536 and 1099511627776" },
        { "Journal:BufferBytes", "1", "Journal:BufferBytes = '1': must be between 4096 and 268435456" },
        { "Journal:Fsync", "None", "Journal:Fsync: unknown key (did you mean Journal:FsyncPolicy?)" },
        { "Snapshots:IntervalSeconds", "-1", "Snapshots:IntervalSeconds = '-1': must be between 0 and 86400" },
        { "Snapshots:Retain", "0", "Snapshots:Retain = '0': must be between 1 and 100" },
        { "Snapshots:Retian", "3", "Snapshots:Retian: unknown key (did you mean Snapshots:Retain?)" },
        { "Daemon:ShutdownTimeoutSeconds", "0", "Daemon:ShutdownTimeoutSeconds = '0': must be between 1 and 3600" },
        { "Daemon:ShutdownTimeoutSeconds", "30s", "Daemon:ShutdownTimeoutSeconds = '30s': not a whole number between -2147483648 and 2147483647" },
        { "Daemon:DataDirectory", "", "Daemon:DataDirectory = '': must name a directory" },
        { "Daemon:DataDir", "/tmp/x", "Daemon:DataDir: unknown key (did you mean Daemon:DataDirectory?)" },
        { "Admin:Address", "nope", "Admin:Address = 'nope': not an IP address" },
        { "Admin:Port", "65536", "Admin:Port = '65536': must be between 0 and 65535" },
        { "Admin:MaxRingLag", "0", "Admin:MaxRingLag = '0': must be between 1 and 9223372036854775807" },
        { "Admin:MaxTickAgeSeconds", "-1", "Admin:MaxTickAgeSeconds = '-1': must be between 0 and 86400" },
        { "Admin:SharedSecret", LongSecret, $"Admin:SharedSecret = '{LongSecret}': at most 256 characters" },
        { "Gatway:Port", "7400", "Gatway: unknown section (did you mean Gateway?)" },
    };

    private static IConfiguration Config(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_reported_with_its_key_its_value_and_the_reason(string key, string value, string expected)
    {
        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config((key, value))));

        Assert.Equal([expected], ex.Failures);
    }

    [Fact]
    public void Every_bad_key_is_reported_at_once_in_section_order_even_several_in_one_section()
    {
        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config(
            ("Admin:Address", "nope"), ("Gateway:Prot", "1"), ("Gateway:Port", "70000"), ("Engine:RingSize", "1000"),
            ("Engine:PositionCapacity", "abc"), ("Journal:FsyncPolicy", "Sometimes"), ("Journal:SegmentBytes", "5"))));

        Assert.Equal(
            [
                "Engine:PositionCapacity = 'abc': not a whole number between -2147483648 and 2147483647",
                "Engine:RingSize = '1000': must be a power of two between 16 and 16777216",
                "Journal:FsyncPolicy = 'Sometimes': must be one of None, EveryBatch, Interval",
                "Journal:SegmentBytes = '5': must be between 65536 and 1099511627776",
                "Gateway:Prot: unknown key (did you mean Gateway:Port?)",
                "Gateway:Port = '70000': must be between 0 and 65535",
                "Admin:Address = 'nope': not an IP address",
            ],
            ex.Failures);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_other_sections_belong_to_the_host()
    {
        DaemonConfig config = DaemonConfiguration.Load(Config(("gateway:port", "7500"), ("Logging:LogLevel:Default", "Debug"), ("Kestrel:Limits:MaxRequestBodySize", "10"), ("urls", "x")));

        Assert.Equal(7500, config.Gateway.Port);
        Assert.Equal(64, config.Gateway.MaxConnections); // untouched keys keep their defaults
    }

    [Fact]
    public void The_gateway_and_the_admin_endpoint_cannot_share_a_port()
    {
        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config(("Gateway:Port", "7401"), ("Admin:Port", "7401"))));

        Assert.Equal(["Gateway:Port = 7401: the same port as Admin:Port on the same address"], ex.Failures);
    }

    [Fact]
    public void A_catalog_that_does_not_load_is_a_configuration_error_naming_the_file()
    {
        using var dir = new Scenario.TempDir();
        string path = Path.Combine(dir.Path, "instruments.json");
        File.WriteAllText(path, "{ \"instruments\": [ { \"symbol\": ");

        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config(("Engine:InstrumentsPath", path))));

        Assert.StartsWith($"Engine:InstrumentsPath = '{path}': ", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_that_do_not_fit_the_memory_this_process_may_use_are_refused_and_the_defaults_fit_half_a_gigabyte()
    {
        // 512 MiB available, 75 % budget = 384 MiB. A 2^24-slot input ring alone is 2^24 × sizeof(EngineCommand)
        // (≥ 88 bytes) ≥ 1.4 GiB.
        const long halfGig = 512L << 20;
        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config(("Engine:RingSize", "16777216")), halfGig));

        string failure = Assert.Single(ex.Failures);
        Assert.StartsWith("Engine: the rings, capacities and gateway buffers need about ", failure, StringComparison.Ordinal);
        Assert.Contains("of the 0.5 GiB this process may use", failure, StringComparison.Ordinal);
        Assert.Contains("Engine:RingSize", failure, StringComparison.Ordinal);

        // Defaults: 64 Ki commands + 256 Ki events + 64 Ki positions × 128 B + … + 64 connections × 1 MiB ≈ 0.2 GiB.
        DaemonConfig defaults = DaemonConfiguration.Load(Config(), halfGig);
        Assert.Equal(1 << 16, defaults.Engine.RingSize);
    }

    /// <summary>The same through the real process: exit code 2, the exact line on stderr, no stack trace, nothing written.</summary>
    [Theory]
    [InlineData("--Gateway:Port=70000", "Gateway:Port = '70000': must be between 0 and 65535")]
    [InlineData("--Engine:WaitStrategy=spin-forever", "Engine:WaitStrategy = 'spin-forever': must be one of busy-spin, yielding, sleeping, blocking")]
    [InlineData("--Journal:FsyncPolicy=Sometimes", "Journal:FsyncPolicy = 'Sometimes': must be one of None, EveryBatch, Interval")]
    [InlineData("--Engine:InstrumentsPath=/nope/instruments.json", "Engine:InstrumentsPath = '/nope/instruments.json': file not found (looked for /nope/instruments.json)")]
    [InlineData("--Engine:RingSize=1000", "Engine:RingSize = '1000': must be a power of two between 16 and 16777216")]
    [InlineData("--Gateway:Prot=7400", "Gateway:Prot: unknown key (did you mean Gateway:Port?)")]
    [InlineData("--Admin:Address=nope", "Admin:Address = 'nope': not an IP address")]
    [InlineData("--Daemon:ShutdownTimeoutSeconds=0", "Daemon:ShutdownTimeoutSeconds = '0': must be between 1 and 3600")]
    [InlineData("--Snapshots:Retain=0", "Snapshots:Retain = '0': must be between 1 and 100")]
    [InlineData("stray", "command line: 'stray' is not a setting (settings are --Section:Key=value or --Section:Key value; see liqengine run --help)")]
    public async Task Bad_configuration_exits_2_naming_the_key_before_anything_is_written(string argument, string expected)
    {
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "data");
        using DaemonProcess daemon = DaemonProcess.Launch(data, DaemonProcess.TestArgs(data).Append(argument));

        int exit = await daemon.WaitForExitAsync();

        Assert.Equal(DaemonExitCodes.BadConfiguration, exit);
        AssertReported(daemon.Errors, expected);
        Assert.False(Directory.Exists(data), "the data directory was created");
    }

    /// <summary>Every case of the bad-settings list through the real process: exit code 2 and its exact line.</summary>
    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Every_bad_setting_exits_2_from_the_real_process_with_its_line(string key, string value, string expected)
    {
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "data");
        using DaemonProcess daemon = DaemonProcess.Launch(data, DaemonProcess.TestArgs(data).Append($"--{key}={value}"));

        Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());

        // appsettings.json and the test arguments give every key a value, so a key under one meets a value there.
        string parent = key.EndsWith(":Inner", StringComparison.Ordinal) ? key[..^":Inner".Length] : string.Empty;
        AssertReported(daemon.Errors, parent.Length > 0 ? $"{key}: unknown key ({parent} is a value, not a section)" : expected);
        Assert.False(Directory.Exists(data), "the data directory was created");
    }

    [Fact]
    public void A_key_under_a_value_is_an_unknown_key_not_ignored()
    {
        var ex = Assert.Throws<DaemonConfigurationException>(() => DaemonConfiguration.Load(Config(("Gateway:Port", "7400"), ("Gateway:Port:Inner", "1"))));

        Assert.Equal(["Gateway:Port:Inner: unknown key (Gateway:Port is a value, not a section)"], ex.Failures);
    }

    [Fact]
    public async Task Gateway_slots_that_do_not_fit_the_open_file_limit_exit_2_naming_the_limit()
    {
        // Under `ulimit -n 256` the daemon used to start (it holds ~230 descriptors idle), then fail every accept on
        // both ports once a few dozen clients connected. 64 + 32 + 512 = 608 > 256, worked by hand.
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "data");
        using DaemonProcess daemon = DaemonProcess.Launch(data, DaemonProcess.TestArgs(data), wrapper: ["sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh"]);

        Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());
        AssertReported(daemon.Errors, "Gateway:MaxConnections = 64: with Gateway:MaxPendingConnections = 32 and about 512 descriptors for the runtime, journal, snapshots and admin connections the daemon needs 608 open files, more than this process's limit of 256");

        // The same settings start under a limit that fits them.
        Directory.CreateDirectory(data);
        using DaemonProcess fits = await DaemonProcess.StartAsync(data, [], null, ["sh", "-c", "ulimit -n 4096 && exec \"$@\"", "sh"]);
        Assert.Equal(DaemonExitCodes.Clean, await fits.TerminateAsync());
    }

    [Fact]
    public async Task Bad_keys_from_the_environment_and_the_command_line_are_listed_together()
    {
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "data");
        using DaemonProcess daemon = DaemonProcess.Launch(
            data,
            DaemonProcess.TestArgs(data).Append("--Gateway:MaxConnections=0"),
            new Dictionary<string, string> { ["LIQENGINE_Snapshots__Retain"] = "0" });

        Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());
        AssertReported(daemon.Errors, "Snapshots:Retain = '0': must be between 1 and 100");
        AssertReported(daemon.Errors, "Gateway:MaxConnections = '0': must be between 1 and 10000");
        Assert.Contains("invalid configuration (2 problems)", daemon.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_settings_file_exits_2_with_the_file_and_the_line_and_a_missing_one_with_its_name()
    {
        using var dir = new Scenario.TempDir();
        string data = Path.Combine(dir.Path, "data");
        string settings = Path.Combine(dir.Path, "liqengine.json");
        await File.WriteAllTextAsync(settings, "{\n  \"Gateway\": {\n    \"Port\": 7400,,\n  }\n}\n");

        using (DaemonProcess daemon = DaemonProcess.Launch(data, DaemonProcess.TestArgs(data).Prepend(settings).Prepend("--config")))
        {
            Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());
            AssertReported(daemon.Errors, $"Failed to load configuration from file '{settings}': Could not parse the JSON file: ");
            Assert.Contains("LineNumber: 2", daemon.Errors, StringComparison.Ordinal); // the third line: JSON counts from 0
        }

        string missing = Path.Combine(dir.Path, "absent.json");
        using (DaemonProcess daemon = DaemonProcess.Launch(data, DaemonProcess.TestArgs(data).Prepend(missing).Prepend("--config")))
        {
            Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());
            AssertReported(daemon.Errors, $"--config = '{missing}': file not found");
        }

        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task A_malformed_built_in_appsettings_json_exits_2_naming_it()
    {
        // A copy of the binaries whose appsettings.json an operator broke by hand.
        using var dir = new Scenario.TempDir();
        string bin = Path.Combine(dir.Path, "bin");
        CopyDirectory(AppContext.BaseDirectory, bin);
        await File.WriteAllTextAsync(Path.Combine(bin, "appsettings.json"), "{ \"Daemon\": { \"DataDirectory\": \"data\" ");
        string data = Path.Combine(dir.Path, "data");

        (int exit, _, string err) = await DaemonProcess.RunToEndAsync(dir.Path, DaemonProcess.TestArgs(data).Prepend("run"), Path.Combine(bin, "liqengine.dll"));

        Assert.Equal(DaemonExitCodes.BadConfiguration, exit);
        AssertReported(err, $"Failed to load configuration from file '{Path.Combine(bin, "appsettings.json")}': Could not parse the JSON file: ");
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task A_gateway_or_admin_port_in_use_exits_2_naming_the_key_and_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        foreach (string key in new[] { "Gateway", "Admin" })
        {
            using var dir = new Scenario.TempDir();
            using DaemonProcess daemon = DaemonProcess.Launch(dir.Path, DaemonProcess.TestArgs(dir.Path).Append($"--{key}:Port={port}"));

            Assert.Equal(DaemonExitCodes.BadConfiguration, await daemon.WaitForExitAsync());
            AssertReported(daemon.Errors, $"{key}:Port = {port}: 127.0.0.1:{port} is already in use (another process listens there)");
            Assert.False(File.Exists(Path.Combine(dir.Path, "daemon.json")));
        }
    }

    private static void AssertReported(string stderr, string line)
    {
        Assert.Contains("liqengine run: invalid configuration", stderr, StringComparison.Ordinal);
        Assert.Contains("  " + line, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
