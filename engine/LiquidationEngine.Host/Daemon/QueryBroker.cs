using System.Collections.Concurrent;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// Answers admin queries the only safe way: publish a query command into the ring under the admin source id and await
/// the reply events on the output thread. Never reads writer state from another thread.
/// </summary>
/// <remarks>An account reply (balances, then positions) has no end marker of its own, so the broker publishes a
/// <see cref="CommandKind.QueryStateHash"/> right after it with the same client sequence: its reply closes the set.</remarks>
public sealed class QueryBroker : IEngineEventSink
{
    /// <summary>The source id of admin queries (gateway connections count up from 1).</summary>
    public const int AdminSourceId = int.MaxValue;

    private readonly Func<EngineCommand, long> _publish;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private long _nextClientSequence;

    /// <summary>Creates a broker publishing through <paramref name="publish"/>.</summary>
    public QueryBroker(Func<EngineCommand, long> publish) => _publish = publish;

    /// <summary>Publishes <paramref name="query"/> and returns its reply events (a Reject if it was rejected).</summary>
    /// <exception cref="TimeoutException">No reply in time.</exception>
    public async Task<IReadOnlyList<EngineEvent>> QueryAsync(EngineCommand query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long id = Interlocked.Increment(ref _nextClientSequence);
        bool untilHash = query.Kind == CommandKind.QueryAccount;
        var pending = new Pending(untilHash);
        _pending[id] = pending;
        try
        {
            query.SourceId = AdminSourceId;
            query.ClientSequence = id;
            _publish(query);
            if (untilHash)
            {
                _publish(new EngineCommand { Kind = CommandKind.QueryStateHash, SourceId = AdminSourceId, ClientSequence = id });
            }

            return await pending.Done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Output thread: collects replies for pending queries.</summary>
    public void Emit(in EngineEvent e)
    {
        if (e.SourceId != AdminSourceId || !_pending.TryGetValue(e.ClientSequence, out Pending? p))
        {
            return;
        }

        p.Events.Add(e);
        bool done = e.Kind switch
        {
            EventKind.Reject => true,
            EventKind.StateHash => true,
            EventKind.PositionState or EventKind.AccountBalance => !p.UntilHash,
            _ => false,
        };
        if (done)
        {
            p.Done.TrySetResult(p.Events);
        }
    }

    private sealed class Pending(bool untilHash)
    {
        public bool UntilHash { get; } = untilHash;

        public List<EngineEvent> Events { get; } = [];

        public TaskCompletionSource<IReadOnlyList<EngineEvent>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
