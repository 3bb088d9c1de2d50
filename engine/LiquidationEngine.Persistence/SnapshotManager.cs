using System.Diagnostics;
using System.Threading.Channels;
using LiquidationEngine.State;

namespace LiquidationEngine.Persistence;

/// <summary>
/// Takes the snapshots that <see cref="Contracts.CommandKind.Snapshot"/> commands ask for. On the writer thread it only
/// serializes the state (so the snapshot is consistent at the command's sequence); a background task waits until the
/// journal holds that sequence, writes the file atomically, then prunes old snapshots and, once <c>retain</c>
/// snapshots exist, the journal segments that end before the oldest of them.
/// </summary>
/// <remarks>Waiting for the journal keeps the invariant recovery relies on: a snapshot on disk is never ahead of the
/// journal, so the journal tail after it is complete and the orders it caused were all released.</remarks>
public sealed class SnapshotManager : IAsyncDisposable
{
    private readonly SnapshotStore _store;
    private readonly JournalWriter? _journal;
    private readonly string? _journalDirectory;
    private readonly int _retain;
    private readonly Channel<(byte[] Bytes, long Sequence)> _pending = Channel.CreateUnbounded<(byte[], long)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private long _lastWritten = -1;

    /// <summary>Starts the background writer.</summary>
    /// <param name="store">Where snapshots go.</param>
    /// <param name="journal">The journal to wait for (null: no waiting, e.g. in tests).</param>
    /// <param name="journalDirectory">The journal directory to prune (null: no pruning).</param>
    /// <param name="retain">Snapshots to keep (at least 1; 2 lets recovery rebuild the order log across the latest one).</param>
    public SnapshotManager(SnapshotStore store, JournalWriter? journal, string? journalDirectory, int retain)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _journal = journal;
        _journalDirectory = journalDirectory;
        _retain = Math.Max(1, retain);
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Sequence of the newest snapshot written, or -1.</summary>
    public long LastWrittenSequence => Volatile.Read(ref _lastWritten);

    /// <summary>Called after each snapshot file is in place, with its sequence, size in bytes and seconds taken.</summary>
    public Action<long, long, double>? Written { get; set; }

    /// <summary>Called when writing a snapshot failed (the daemon keeps running on the journal alone).</summary>
    public Action<long, Exception>? Failed { get; set; }

    /// <summary>The writer-thread hook (<c>EnginePipeline.SnapshotRequested</c>): serializes now, writes later.</summary>
    public void OnSnapshotRequested(EngineState state, long sequence)
        => _pending.Writer.TryWrite((SnapshotStore.Serialize(state, sequence), sequence));

    /// <summary>Waits until a snapshot at or after <paramref name="sequence"/> is on disk; false on timeout.</summary>
    public async Task<bool> WaitWrittenAsync(long sequence, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (LastWrittenSequence < sequence)
        {
            if (Stopwatch.GetTimestamp() > deadline || _worker.IsCompleted)
            {
                return false;
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Finishes pending writes and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        await foreach ((byte[] bytes, long sequence) in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                long start = Stopwatch.GetTimestamp();
                if (_journal is not null && !await _journal.WaitFlushedAsync(sequence, TimeSpan.FromSeconds(30)).ConfigureAwait(false))
                {
                    throw new TimeoutException($"the journal did not reach sequence {sequence}");
                }

                _store.Persist(bytes, sequence);
                Volatile.Write(ref _lastWritten, sequence);
                long oldestKept = _store.Prune(_retain);

                // The journal is kept back to the oldest retained snapshot, and whole until there are that many.
                if (_journalDirectory is not null && oldestKept >= 0 && _store.List().Count >= _retain)
                {
                    PruneJournal(_journalDirectory, oldestKept, _journal?.CurrentSegment);
                }

                Written?.Invoke(sequence, bytes.Length, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException or InvalidDataException)
            {
                Failed?.Invoke(sequence, ex);
            }
        }
    }

    /// <summary>Deletes closed segments whose every record is at or below <paramref name="coveredSequence"/>.</summary>
    public static int PruneJournal(string directory, long coveredSequence, string? currentSegment)
    {
        IReadOnlyList<JournalSegment> segments = JournalReader.Segments(directory);
        int deleted = 0;
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            // Segment i ends just before segment i+1 starts.
            if (segments[i + 1].Header.FirstSequence - 1 <= coveredSequence
                && !string.Equals(Path.GetFullPath(segments[i].Path), currentSegment is null ? null : Path.GetFullPath(currentSegment), StringComparison.Ordinal))
            {
                File.Delete(segments[i].Path);
                deleted++;
            }
        }

        return deleted;
    }
}
