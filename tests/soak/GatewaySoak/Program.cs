using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Protocol;

// Gateway soak: connection churn and frame fuzzing against a real daemon, with peak RSS and state hashes.
// Usage: GatewaySoak <liqengine.dll> <instruments.json> [cycles=30000] [frames=1000000] [sigterms=10]
// Exit 0 when every check held, 1 otherwise. Bounded: each phase has a deadline.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: GatewaySoak <liqengine.dll> <instruments.json> [cycles] [frames]");
    return 2;
}

string dll = args[0];
string instruments = args[1];
int cycles = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30_000;
long frames = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) : 1_000_000;
int sigterms = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
string data = Directory.CreateTempSubdirectory("liq-gateway-soak-").FullName;
bool ok = true;
using Daemon daemon = await Daemon.StartAsync(dll, instruments, data);
try
{
    using var bystander = await GatewayClient.ConnectAsync(daemon.Host, daemon.Port);
    long probe = 0;
    ulong hashBefore = await Probe.StateHashAsync(bystander, ++probe);

    // 1. Churn: connect/close cycles in every way a peer can end (before Hello, after Welcome, reset), 8 at a time.
    var churnClock = Stopwatch.StartNew();
    int done = 0;
    int refused = 0;
    long rssDuring = 0;
    using var churnDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    Task sampler = Task.Run(async () =>
    {
        while (Volatile.Read(ref done) < cycles && !churnDeadline.IsCancellationRequested)
        {
            rssDuring = Math.Max(rssDuring, daemon.RssBytes());
            await Task.Delay(100);
        }
    });
    await Parallel.ForEachAsync(Enumerable.Range(0, cycles), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = churnDeadline.Token }, async (i, ct) =>
    {
        try
        {
            using GatewayClient c = i % 3 == 0
                ? await GatewayClient.ConnectRawAsync(daemon.Host, daemon.Port, 0, ct)
                : await GatewayClient.ConnectAsync(daemon.Host, daemon.Port, -1, null, 0, ct);
            if (i % 3 == 2)
            {
                c.Socket.LingerState = new LingerOption(true, 0);
            }

            c.Socket.Close();
        }
        catch (IOException)
        {
            Interlocked.Increment(ref refused); // told TooManyConnections while closed peers free their slots
        }

        Interlocked.Increment(ref done);
    });
    await sampler;
    (int healthStatus, string health) = await daemon.GetAsync("/health");
    ulong hashAfterChurn = await Probe.StateHashAsync(bystander, ++probe);
    Console.WriteLine($"churn: {done} connect/close cycles in {churnClock.Elapsed.TotalSeconds:F1} s ({refused} refused at Hello), peak RSS {daemon.PeakRssBytes() / 1048576.0:F0} MiB (sampled max {rssDuring / 1048576.0:F0} MiB), /health {healthStatus}, state unchanged {hashAfterChurn == hashBefore}");
    if (daemon.PeakRssBytes() > 300L << 20 || healthStatus != 200 || hashAfterChurn != hashBefore || done != cycles)
    {
        Console.WriteLine($"churn: FAILED ({health})");
        ok = false;
    }

    // 2. Fuzz: malformed frames, each invalid by construction (so none may change the state).
    var fuzz = new Fuzzer(daemon, new Random(20261208));
    var fuzzClock = Stopwatch.StartNew();
    FuzzResult r = await fuzz.RunAsync(frames, TimeSpan.FromMinutes(15));
    ulong hashAfterFuzz = await Probe.StateHashAsync(bystander, ++probe);
    bool alive = !daemon.HasExited;
    Console.WriteLine($"fuzz: {r.Frames} malformed frames on {r.Connections} connections in {fuzzClock.Elapsed.TotalSeconds:F1} s; kinds {string.Join(", ", r.Kinds.Select(k => $"{k.Key}={k.Value}"))}");
    Console.WriteLine($"fuzz: crashes {(alive ? 0 : 1)}, hangs {r.Hangs}, wrong replies {r.WrongReplies}, state changes {(hashAfterFuzz == hashBefore ? 0 : 1)}, peak RSS {daemon.PeakRssBytes() / 1048576.0:F0} MiB");
    if (!alive || r.Hangs > 0 || r.WrongReplies > 0 || hashAfterFuzz != hashBefore || r.Frames < frames)
    {
        Console.WriteLine("fuzz: FAILED");
        ok = false;
    }

    int exit = await daemon.TerminateAsync();
    Console.WriteLine($"daemon: SIGTERM exit {exit}");
    ok &= exit == 0;
}
catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or OperationCanceledException or InvalidDataException)
{
    Console.WriteLine($"FAILED: {ex.GetType().Name}: {ex.Message}\n{daemon.Output}");
    ok = false;
}
finally
{
    Directory.Delete(data, recursive: true);
}

// 3. SIGTERM under load, restart, resume: every applied command acked, every numbered event seen once, no gap.
string drainData = Directory.CreateTempSubdirectory("liq-gateway-drain-").FullName;
try
{
    ok &= await Drain.RunAsync(dll, instruments, drainData, sigterms);
}
catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or OperationCanceledException or InvalidDataException)
{
    Console.WriteLine($"drain: FAILED: {ex.GetType().Name}: {ex.Message}");
    ok = false;
}
finally
{
    Directory.Delete(drainData, recursive: true);
}

Console.WriteLine(ok ? "gateway soak: PASS" : "gateway soak: FAIL");
return ok ? 0 : 1;

internal static class Drain
{
    private const long Account = 50;

    public static async Task<bool> RunAsync(string dll, string instruments, string data, int rounds)
    {
        long ackedSum = 0, amount = 0, lastSeen = 0, expectedEvent = 0, lost = 0, duplicated = 0, unackedApplied = 0, gaps = 0;
        int ackedFundings = 0;
        bool ok = true;
        for (int round = 0; round < rounds; round++)
        {
            using Daemon daemon = await Daemon.StartAsync(dll, instruments, data);
            using GatewayClient listener = await GatewayClient.ConnectAsync(daemon.Host, daemon.Port, lastSeen);
            gaps += listener.Welcome.Gap ? 1 : 0;
            using GatewayClient writer = await GatewayClient.ConnectAsync(daemon.Host, daemon.Port);
            long balance = await BalanceAsync(writer, round * 10_000_000L + 1);
            unackedApplied += balance != ackedSum ? 1 : 0;

            // The listener files every numbered event; the writer streams deposits and fundings, SIGTERM mid-stream.
            Task<List<long>> events = Task.Run(async () =>
            {
                var seen = new List<long>();
                while (await listener.ReceiveAsync() is { } m)
                {
                    if (m.Event.EventSequence > 0)
                    {
                        seen.Add(m.Event.EventSequence);
                    }
                }

                return seen;
            });
            var amounts = new Dictionary<long, long>();
            var fundings = new HashSet<long>();
            Task<List<GatewayMessage>> replies = Task.Run(async () =>
            {
                var all = new List<GatewayMessage>();
                while (await writer.ReceiveAsync() is { } m)
                {
                    all.Add(m);
                }

                return all;
            });
            Task<int> terminated = Task.FromResult(-1);
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    long sequence = round * 10_000_000L + 100 + i;
                    bool funding = i % 10 == 9;
                    EngineCommand c = funding
                        ? new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = 0, Amount = 1, Price = 2_000_000_000_000, ClientSequence = sequence }
                        : new EngineCommand { Kind = CommandKind.Deposit, Account = Account, Asset = 0, Amount = ++amount, ClientSequence = sequence };
                    if (funding)
                    {
                        fundings.Add(sequence);
                    }
                    else
                    {
                        amounts[sequence] = c.Amount;
                    }

                    using var t = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await writer.SendAsync(c, t.Token);
                    if (i == 500 + (round * 397 % 3000))
                    {
                        terminated = daemon.TerminateAsync();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
            }

            int exit = await terminated;
            List<GatewayMessage> got = await replies.WaitAsync(TimeSpan.FromSeconds(30));
            List<long> seenEvents = await events.WaitAsync(TimeSpan.FromSeconds(30));
            var acks = got.Where(m => m.Type == MessageType.Ack).ToList();
            ackedSum += acks.Where(m => amounts.ContainsKey(m.Event.ClientSequence)).Sum(m => amounts[m.Event.ClientSequence]);
            ackedFundings += acks.Count(m => fundings.Contains(m.Event.ClientSequence));
            foreach (long e in seenEvents)
            {
                if (e <= expectedEvent)
                {
                    duplicated++;
                }
                else
                {
                    lost += e - expectedEvent - 1;
                    expectedEvent = e;
                }
            }

            lastSeen = expectedEvent;
            bool closedRight = got.Count > 0 && got[^1].Type == MessageType.Error && got[^1].Error.Reason == ProtocolError.ShuttingDown;
            ok &= exit == 0 && closedRight;
            Console.WriteLine($"drain: round {round}: SIGTERM exit {exit}, {acks.Count} acked, closed with ShuttingDown {closedRight}, events up to {expectedEvent}");
        }

        using (Daemon last = await Daemon.StartAsync(dll, instruments, data))
        using (GatewayClient check = await GatewayClient.ConnectAsync(last.Host, last.Port))
        {
            unackedApplied += await BalanceAsync(check, 1) != ackedSum ? 1 : 0;
            await last.TerminateAsync();
        }

        lost += Math.Max(0, ackedFundings - expectedEvent);
        Console.WriteLine($"drain: {rounds} SIGTERMs under load: acked inputs lost or applied unacked {unackedApplied}, events lost {lost}, duplicated {duplicated}, resume gaps {gaps}");
        return ok && unackedApplied == 0 && lost == 0 && duplicated == 0 && gaps == 0 && expectedEvent == ackedFundings;
    }

    /// <summary>The account's asset-0 balance, via QueryAccount and a QueryStateHash that ends its reply.</summary>
    private static async Task<long> BalanceAsync(GatewayClient c, long sequence)
    {
        using var t = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await c.SendAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = Account, ClientSequence = sequence }, t.Token);
        await c.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash, ClientSequence = sequence + 1 }, t.Token);
        long balance = 0;
        while (await c.ReceiveAsync(t.Token) is { } m)
        {
            if (m.Type == MessageType.AccountBalance && m.Event.Asset == 0)
            {
                balance = m.Event.Balance;
            }

            if (m.Type == MessageType.StateHash)
            {
                return balance;
            }
        }

        throw new IOException("the gateway closed the connection during a balance query");
    }
}

internal sealed record FuzzResult(long Frames, long Connections, long Hangs, long WrongReplies, SortedDictionary<string, long> Kinds);

internal static class Probe
{
    public static async Task<ulong> StateHashAsync(GatewayClient c, long sequence)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await c.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash, ClientSequence = sequence }, timeout.Token);
        while (await c.ReceiveAsync(timeout.Token) is { } m)
        {
            if (m.Type == MessageType.StateHash && m.Event.ClientSequence == sequence)
            {
                return m.Event.StateHash;
            }
        }

        throw new IOException("the gateway closed the probe connection");
    }
}

/// <summary>Malformed frames of every kind. Non-closing ones (unknown type, wrong body length) are pipelined in
/// batches on one connection, each batch followed by a state-hash probe that must be answered in time (else a hang);
/// closing ones (bad CRC, magic, version, oversize, a second Hello) each end their connection with the right Error.</summary>
internal sealed class Fuzzer(Daemon daemon, Random random)
{
    private static readonly MessageType[] Commands = [.. Enumerable.Range(0, 256).Select(t => (MessageType)t)
        .Where(t => CommandCodec.TryRead(t, new byte[256], out _) != ProtocolError.UnknownMessageType)];

    private static readonly MessageType[] Unknown = [.. Enumerable.Range(0, 256).Select(t => (MessageType)t)
        .Where(t => CommandCodec.TryRead(t, new byte[256], out _) == ProtocolError.UnknownMessageType && t is not MessageType.Hello and not MessageType.Heartbeat)];

    private readonly SortedDictionary<string, long> _kinds = new(StringComparer.Ordinal);

    public async Task<FuzzResult> RunAsync(long total, TimeSpan limit)
    {
        long sent = 0, connections = 0, hangs = 0, wrong = 0, probe = 1_000_000;
        var clock = Stopwatch.StartNew();
        GatewayClient? open = null;
        try
        {
            while (sent < total && clock.Elapsed < limit && !daemon.HasExited)
            {
                if (random.Next(3) != 0)
                {
                    // A closing frame on a connection of its own.
                    (byte[] frame, ProtocolError closingReason) = Closing();
                    using GatewayClient c = await GatewayClient.ConnectAsync(daemon.Host, daemon.Port);
                    connections++;
                    await c.SendRawAsync(frame);
                    using var t = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    GatewayMessage? m = await c.ReceiveAsync(t.Token);
                    if (m is not { Type: MessageType.Error } e || e.Error.Reason != closingReason || !e.Error.Closing || await c.ReceiveAsync(t.Token) is not null)
                    {
                        wrong++;
                    }

                    sent++;
                    continue;
                }

                if (open is null)
                {
                    open = await GatewayClient.ConnectAsync(daemon.Host, daemon.Port);
                    connections++;
                }

                // A batch of 500 non-closing malformed frames, one write; then a probe must come back after 500 Errors.
                using var batch = new MemoryStream();
                var expected = new List<ProtocolError>(500);
                for (int i = 0; i < 500; i++)
                {
                    (byte[] frame, ProtocolError reason) = NonClosing();
                    batch.Write(frame);
                    expected.Add(reason);
                }

                await open.SendRawAsync(batch.ToArray());
                sent += expected.Count;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await open.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash, ClientSequence = ++probe }, timeout.Token);
                try
                {
                    for (int i = 0; i < expected.Count; i++)
                    {
                        GatewayMessage? m = await open.ReceiveAsync(timeout.Token);
                        if (m is not { Type: MessageType.Error } e || e.Error.Reason != expected[i] || e.Error.Closing)
                        {
                            wrong++;
                        }
                    }

                    GatewayMessage? reply = await open.ReceiveAsync(timeout.Token);
                    if (reply is not { Type: MessageType.StateHash } h || h.Event.ClientSequence != probe)
                    {
                        wrong++;
                    }
                }
                catch (OperationCanceledException)
                {
                    hangs++;
                    open.Dispose();
                    open = null;
                }

                if (sent % 100_000 < 500)
                {
                    Console.WriteLine($"fuzz: {sent} frames...");
                }
            }
        }
        finally
        {
            open?.Dispose();
        }

        return new FuzzResult(sent, connections, hangs, wrong, _kinds);
    }

    private void Count(string kind) => _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;

    private byte[] ValidCommandFrame(out MessageType type)
    {
        type = Commands[random.Next(Commands.Length)];
        byte[] body = new byte[CommandCodec.BodySize(type)];
        random.NextBytes(body);
        return Sealed(type, body);
    }

    private static byte[] Sealed(MessageType type, byte[] body)
    {
        byte[] frame = new byte[FrameCodec.Overhead + body.Length];
        FrameCodec.Write(frame, type, body);
        return frame;
    }

    private (byte[] Frame, ProtocolError Reason) NonClosing()
    {
        switch (random.Next(3))
        {
            case 0:
            {
                // A type the gateway does not take, sealed with a good CRC.
                byte[] body = new byte[random.Next(0, 200)];
                random.NextBytes(body);
                Count("unknown_type");
                return (Sealed(Unknown[random.Next(Unknown.Length)], body), ProtocolError.UnknownMessageType);
            }

            case 1:
            {
                MessageType type = Commands[random.Next(Commands.Length)];
                byte[] body = new byte[random.Next(0, CommandCodec.BodySize(type))];
                random.NextBytes(body);
                Count("short_body");
                return (Sealed(type, body), ProtocolError.TruncatedBody);
            }

            default:
            {
                MessageType type = Commands[random.Next(Commands.Length)];
                byte[] body = new byte[CommandCodec.BodySize(type) + random.Next(1, 64)];
                random.NextBytes(body);
                Count("long_body");
                return (Sealed(type, body), ProtocolError.BadBodyLength);
            }
        }
    }

    private (byte[] Frame, ProtocolError Reason) Closing()
    {
        byte[] frame = ValidCommandFrame(out _);
        switch (random.Next(5))
        {
            case 0:
                // Any single flipped bit in the sealed part breaks the CRC (CRC32C detects every single-bit error).
                int bit = random.Next(FrameCodec.HeaderSize * 8, (frame.Length - 4) * 8);
                frame[bit / 8] ^= (byte)(1 << (bit % 8));
                Count("bad_crc");
                return (frame, ProtocolError.BadChecksum);
            case 1:
                frame[random.Next(2)] ^= (byte)random.Next(1, 256);
                Count("bad_magic");
                return (frame, ProtocolError.BadMagic);
            case 2:
                frame[2] = (byte)random.Next(2, 256);
                FrameCodec.Seal(frame);
                Count("bad_version");
                return (frame, ProtocolError.UnsupportedVersion);
            case 3:
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)random.Next(1025, int.MaxValue));
                Count("oversized");
                return (frame[..FrameCodec.HeaderSize], ProtocolError.FrameTooLarge);
            default:
                byte[] hello = new byte[64];
                int n = new HelloMessage(-1, ReadOnlyMemory<byte>.Empty).WriteFrame(hello);
                Count("second_hello");
                return (hello[..n], ProtocolError.HelloRequired);
        }
    }
}

/// <summary>A liqengine daemon process on free loopback ports, under a 512 MB GC heap limit.</summary>
internal sealed class Daemon : IDisposable
{
    private static readonly System.Net.Http.HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private Daemon(Process process) => _process = process;

    public string Host { get; } = "127.0.0.1";

    public int Port { get; private set; }

    public string Admin { get; private set; } = "";

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<Daemon> StartAsync(string dll, string instruments, string data)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            dll, "run", $"--Daemon:DataDirectory={data}", $"--Engine:InstrumentsPath={instruments}", "--Gateway:Port=0", "--Admin:Port=0",
            "--Engine:WaitStrategy=blocking", "--Engine:PositionCapacity=4096", "--Engine:AccountCapacity=1024", "--Engine:OpenOrderCapacity=1024",
            "--Engine:RingSize=4096", "--Engine:OutputRingSize=16384", "--Snapshots:IntervalSeconds=0", "--Journal:FsyncPolicy=None",
            "--Gateway:MaxConnections=64", "--Logging:LogLevel:Default=Warning",
        })
        {
            info.ArgumentList.Add(a);
        }

        File.Delete(Path.Combine(data, "daemon.json")); // a restart must not read the previous process's ports
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000"; // 512 MB
        info.Environment["DOTNET_gcServer"] = "0";
        var d = new Daemon(Process.Start(info) ?? throw new InvalidOperationException("could not start liqengine"));
        d._process.OutputDataReceived += (_, e) => d.Append(e.Data);
        d._process.ErrorDataReceived += (_, e) => d.Append(e.Data);
        d._process.BeginOutputReadLine();
        d._process.BeginErrorReadLine();
        string ready = Path.Combine(data, "daemon.json");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (d._process.HasExited)
            {
                throw new IOException($"liqengine exited with {d._process.ExitCode}:\n{d.Output}");
            }

            if (File.Exists(ready))
            {
                using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(ready));
                if (json.RootElement.GetProperty("pid").GetInt32() != d._process.Id)
                {
                    await Task.Delay(50);
                    continue;
                }

                string gateway = json.RootElement.GetProperty("gateway").GetString()!;
                d.Port = int.Parse(gateway[(gateway.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                d.Admin = json.RootElement.GetProperty("admin").GetString()!;
                return d;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("liqengine not ready after 60 s");
    }

    /// <summary>VmHWM: the kernel's record of the process's peak resident set.</summary>
    public long PeakRssBytes() => Status("VmHWM:");

    public long RssBytes() => Status("VmRSS:");

    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        using System.Net.Http.HttpResponseMessage r = await Http.GetAsync(new Uri(Admin + path));
        return ((int)r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    public async Task<int> TerminateAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private long Status(string key)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
