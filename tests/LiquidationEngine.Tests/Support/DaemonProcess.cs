using System.Diagnostics;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using LiquidationEngine.Gateway;
using LiquidationEngine.Persistence;

namespace LiquidationEngine.Tests.Support;

/// <summary>A real <c>liqengine run</c> process (the built liqengine.dll next to the tests) on free loopback ports.</summary>
public sealed class DaemonProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private bool _disposed;

    private DaemonProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public string Host { get; private set; } = "127.0.0.1";

    public int GatewayPort { get; private set; }

    public string AdminUrl { get; private set; } = string.Empty;

    public string RecoveredStateHash { get; private set; } = string.Empty;

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return _stdout + "\n" + _stderr;
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_stdout)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Default arguments for tests: ephemeral ports, small capacities, blocking waits, no periodic snapshots.</summary>
    public static string[] TestArgs(string dataDirectory) =>
    [
        $"--Daemon:DataDirectory={dataDirectory}", "--Gateway:Port=0", "--Admin:Port=0", "--Engine:WaitStrategy=blocking",
        "--Engine:PositionCapacity=4096", "--Engine:AccountCapacity=1024", "--Engine:OpenOrderCapacity=1024",
        "--Engine:RingSize=4096", "--Engine:OutputRingSize=16384", "--Snapshots:IntervalSeconds=0", "--Journal:FsyncPolicy=None",
        "--Daemon:ShutdownTimeoutSeconds=20",
    ];

    /// <summary>The dotnet host that runs liqengine.dll.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>The built liqengine.dll next to the tests.</summary>
    public static string LiqengineDll => Path.Combine(AppContext.BaseDirectory, "liqengine.dll");

    /// <summary>Runs <c>liqengine args…</c> to the end in <paramref name="workingDirectory"/>: exit code, stdout, stderr.</summary>
    /// <param name="workingDirectory">The process's working directory.</param>
    /// <param name="args">The arguments after the dll.</param>
    /// <param name="dll">Another copy of liqengine.dll to run.</param>
    public static async Task<(int Exit, string Out, string Err)> RunToEndAsync(string workingDirectory, IEnumerable<string> args, string? dll = null)
    {
        var info = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(dll ?? LiqengineDll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info) ?? throw new InvalidOperationException("could not start liqengine");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the process without waiting for it to be ready.</summary>
    /// <param name="dataDirectory">The data directory the arguments name.</param>
    /// <param name="args">Everything after <c>run</c>.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="wrapper">A command line to run instead of the dotnet host directly: its arguments are followed by
    /// the dotnet host, the dll and <c>run</c> (e.g. <c>sh -c 'exec "$@"' sh</c>).</param>
    public static DaemonProcess Launch(string dataDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string[]? wrapper = null)
    {
        var info = new ProcessStartInfo(wrapper?[0] ?? DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (wrapper is not null)
        {
            foreach (string w in wrapper.Skip(1))
            {
                info.ArgumentList.Add(w);
            }

            info.ArgumentList.Add(DotnetHost);
        }

        info.ArgumentList.Add(LiqengineDll);
        info.ArgumentList.Add("run");
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start liqengine");
        var d = new DaemonProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => d.Append(d._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => d.Append(d._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return d;
    }

    /// <summary>Starts the daemon and waits until it reports ready (daemon.json written by this process).</summary>
    public static Task<DaemonProcess> StartAsync(string dataDirectory, params string[] extra)
        => StartAsync(dataDirectory, extra, null);

    /// <summary>Starts the daemon with extra environment variables (or a wrapper) and waits until it reports ready.</summary>
    public static async Task<DaemonProcess> StartAsync(string dataDirectory, string[] extra, IReadOnlyDictionary<string, string>? environment, string[]? wrapper = null)
    {
        string ready = Path.Combine(dataDirectory, "daemon.json");
        File.Delete(ready);
        DaemonProcess d = Launch(dataDirectory, TestArgs(dataDirectory).Concat(extra), environment, wrapper);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (d._process.HasExited)
            {
                throw new InvalidOperationException($"liqengine exited with {d._process.ExitCode} before ready:\n{d.Output}");
            }

            if (File.Exists(ready))
            {
                using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(ready));
                if (json.RootElement.GetProperty("pid").GetInt32() == d.Pid)
                {
                    string gateway = json.RootElement.GetProperty("gateway").GetString()!;
                    d.GatewayPort = int.Parse(gateway[(gateway.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    d.AdminUrl = json.RootElement.GetProperty("admin").GetString()!;
                    d.RecoveredStateHash = json.RootElement.GetProperty("recoveredStateHash").GetString()!;
                    return d;
                }
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                d.Kill();
                throw new TimeoutException($"liqengine not ready after 60 s:\n{d.Output}");
            }

            await Task.Delay(50);
        }
    }

    public Task<GatewayClient> ConnectAsync(long lastSeen = -1, string? secret = null, int receiveBufferBytes = 0)
        => GatewayClient.ConnectAsync(Host, GatewayPort, lastSeen, secret, receiveBufferBytes, Timeout(15));

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using HttpResponseMessage r = await Http.GetAsync(new Uri(AdminUrl + path));
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    /// <summary>Sends <paramref name="method"/> to the admin endpoint with optional headers: status, body, content type.</summary>
    public async Task<(int Status, string Body, string? ContentType)> SendAsync(HttpMethod method, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(AdminUrl + path));
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using HttpResponseMessage r = await Http.SendAsync(request);
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync(), r.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit: its exit code, or null if it still runs.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Scrapes /metrics and parses it.</summary>
    public async Task<PrometheusText> MetricsAsync()
    {
        (int status, string body) = await GetAsync("/metrics");
        return status == 200 ? PrometheusText.Parse(body) : throw new InvalidOperationException($"/metrics answered {status}: {body}");
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, then wait for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
    }

    public static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdout)
        {
            target.AppendLine(line);
        }
    }
}
