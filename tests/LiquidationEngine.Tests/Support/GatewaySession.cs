using System.Threading.Channels;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Tests.Support;

/// <summary>A test's view of one gateway connection: a background reader that files orders apart from replies.</summary>
public sealed class GatewaySession : IDisposable
{
    private readonly Channel<GatewayMessage> _replies = Channel.CreateUnbounded<GatewayMessage>();
    private readonly Task _reader;
    private readonly object _lock = new();
    private readonly List<EngineEvent> _broadcasts = [];
    private long _clientSequence;

    public GatewaySession(GatewayClient client, long firstClientSequence = 0)
    {
        Client = client;
        _clientSequence = firstClientSequence;
        _reader = Task.Run(ReadAsync);
    }

    public GatewayClient Client { get; }

    /// <summary>Set once the gateway closed the stream (or an error frame said it would).</summary>
    public bool Closed { get; private set; }

    /// <summary>Orders, settlements and funding events received, in arrival order.</summary>
    public List<EngineEvent> Broadcasts
    {
        get
        {
            lock (_lock)
            {
                return [.. _broadcasts];
            }
        }
    }

    public List<EngineEvent> Orders => Broadcasts.Where(e => e.Kind is EventKind.LiquidationOrder or EventKind.AdlOrder).ToList();

    public long LastEventSequence => Broadcasts.Select(e => e.EventSequence).DefaultIfEmpty(0).Max();

    public long NextClientSequence() => Interlocked.Increment(ref _clientSequence);

    /// <summary>Sends a command with a fresh client sequence (unless it has one) and returns that sequence.</summary>
    public async Task<long> SendAsync(EngineCommand c)
    {
        if (c.ClientSequence == 0)
        {
            c.ClientSequence = NextClientSequence();
        }

        await Client.SendAsync(c, DaemonProcess.Timeout(15));
        return c.ClientSequence;
    }

    /// <summary>The next reply (ack, reject, query reply or error frame), skipping nothing.</summary>
    public async Task<GatewayMessage> NextReplyAsync(int seconds = 15)
        => await _replies.Reader.ReadAsync(DaemonProcess.Timeout(seconds));

    /// <summary>Replies until one for <paramref name="clientSequence"/> that ends it (ack, reject, position, hash).</summary>
    public async Task<GatewayMessage> ReplyToAsync(long clientSequence, int seconds = 15)
    {
        while (true)
        {
            GatewayMessage m = await NextReplyAsync(seconds);
            if (m.Type == MessageType.Error || m.Event.ClientSequence == clientSequence)
            {
                return m;
            }
        }
    }

    public async Task<GatewayMessage> CommandAsync(EngineCommand c) => await ReplyToAsync(await SendAsync(c));

    public async Task<ulong> StateHashAsync()
    {
        GatewayMessage m = await CommandAsync(new EngineCommand { Kind = CommandKind.QueryStateHash });
        return m.Type == MessageType.StateHash ? m.Event.StateHash : throw new InvalidOperationException($"expected StateHash, got {m.Type}");
    }

    /// <summary>Waits until at least <paramref name="count"/> orders have arrived.</summary>
    public async Task WaitForOrdersAsync(int count, int seconds = 30, int pollMs = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (Orders.Count < count)
        {
            await Task.Delay(pollMs, timeout.Token);
        }
    }

    /// <summary>Waits until the gateway has closed the stream.</summary>
    public async Task WaitClosedAsync(int seconds = 30) => await _reader.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Takes every reply received so far.</summary>
    public List<GatewayMessage> DrainReplies()
    {
        var all = new List<GatewayMessage>();
        while (_replies.Reader.TryRead(out GatewayMessage m))
        {
            all.Add(m);
        }

        return all;
    }

    public void Dispose() => Client.Dispose();

    private async Task ReadAsync()
    {
        try
        {
            while (await Client.ReceiveAsync() is { } m)
            {
                if (m.Event.Kind.IsBroadcast() && m.Type != MessageType.Error && m.Type != MessageType.Welcome)
                {
                    lock (_lock)
                    {
                        _broadcasts.Add(m.Event);
                    }
                }
                else
                {
                    await _replies.Writer.WriteAsync(m);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidDataException or OperationCanceledException)
        {
        }
        finally
        {
            Closed = true;
            _replies.Writer.TryComplete();
        }
    }
}
