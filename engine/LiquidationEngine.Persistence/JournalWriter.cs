using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Persistence;

/// <summary>Options of the input journal (config section <c>Journal</c>).</summary>
public sealed class JournalOptions
{
    /// <summary>When to fsync; see <see cref="Persistence.FsyncPolicy"/>.</summary>
    [EnumDataType(typeof(FsyncPolicy), ErrorMessage = "must be None, EveryBatch or Interval")]
    public FsyncPolicy FsyncPolicy { get; set; } = FsyncPolicy.EveryBatch;

    /// <summary>Minimum milliseconds between fsyncs under <see cref="FsyncPolicy.Interval"/>.</summary>
    [Range(1, 60_000)]
    public int FsyncIntervalMs { get; set; } = 10;

    /// <summary>A segment is closed and a new one started once it reaches this size.</summary>
    [Range(typeof(long), "65536", "1099511627776")]
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>Bytes buffered in memory between flushes before a write is forced mid-batch.</summary>
    [Range(4096, 1 << 28)]
    public int BufferBytes { get; set; } = 256 << 10;

    /// <summary>At start-up, repair journal damage instead of refusing to start: keep the records before the first
    /// damage, move the rest to <c>journal/aside/</c> (<see cref="JournalRepair"/>). For one run, on purpose.</summary>
    public bool Repair { get; set; }
}

/// <summary>
/// The append-only input journal (<see cref="IInputJournal"/>): fixed-size CRC32C records in segment files named by
/// their first ring sequence. Runs on the pipeline's journal thread; <see cref="Flush"/> ends a batch.
/// </summary>
/// <remarks>After <see cref="Flush"/> returns, every appended record is in the OS (and on disk per the policy), and
/// <see cref="FlushedSequence"/> says so: outputs of inputs up to it may be released, and a snapshot at or below it is
/// safe to publish.</remarks>
public sealed class JournalWriter : IInputJournal, IDisposable
{
    private readonly string _directory;
    private readonly JournalOptions _options;
    private readonly JournalSegmentHeader _template;
    private readonly byte[] _buffer;
    private readonly long _fsyncIntervalTicks;
    private FileStream? _file;
    private int _buffered;
    private long _segmentBytes;
    private long _nextSequence;
    private long _lastAppended;
    private long _flushedSequence;
    private long _bytesWritten;
    private long _lastFsync;
    private bool _dirty;

    /// <summary>Opens a new segment that will start at <paramref name="nextSequence"/>.</summary>
    /// <param name="directory">The journal directory (created if missing).</param>
    /// <param name="options">Fsync policy and sizes.</param>
    /// <param name="template">Engine shape recorded in each segment header (its first sequence is ignored).</param>
    /// <param name="nextSequence">The ring sequence of the next input.</param>
    public JournalWriter(string directory, JournalOptions options, JournalSegmentHeader template, long nextSequence)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        _directory = directory;
        _options = options;
        _template = template;
        _buffer = new byte[Math.Max(options.BufferBytes, JournalRecord.Size * 16)];
        _fsyncIntervalTicks = (long)(options.FsyncIntervalMs * (Stopwatch.Frequency / 1000.0));
        _nextSequence = nextSequence;
        _lastAppended = nextSequence - 1;
        _flushedSequence = nextSequence - 1;
    }

    /// <summary>The highest ring sequence whose record has been flushed.</summary>
    public long FlushedSequence => Volatile.Read(ref _flushedSequence);

    /// <summary>Bytes written to segment files so far (headers included).</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>Called on the journal thread for every appended input (metrics count ticks and commands with it).</summary>
    public Action<CommandKind>? Appended { get; set; }

    /// <summary>Called on the journal thread after each fsync with its duration in seconds.</summary>
    public Action<double>? Fsynced { get; set; }

    /// <summary>Called on the journal thread after each flush with the bytes it wrote.</summary>
    public Action<long>? Wrote { get; set; }

    /// <summary>The segment being written, if any.</summary>
    public string? CurrentSegment => _file?.Name;

    /// <inheritdoc />
    public void Append(in EngineCommand command, long sequence)
    {
        if (sequence < _nextSequence)
        {
            throw new InvalidOperationException($"journal expected sequence {_nextSequence} or later, got {sequence}");
        }

        if (_file is null || _segmentBytes >= _options.SegmentBytes)
        {
            // A segment starts where the one before it ended, not at its first record: the chain has no hole for a
            // reader to mistake for lost records when queries (not journaled) came in between.
            Roll(_lastAppended + 1);
        }

        if (_buffered + JournalRecord.Size > _buffer.Length)
        {
            WriteBuffer();
        }

        JournalRecord.Write(_buffer.AsSpan(_buffered), command, sequence);
        _buffered += JournalRecord.Size;
        _segmentBytes += JournalRecord.Size;
        _lastAppended = sequence;
        _nextSequence = sequence + 1;
        Appended?.Invoke(command.Kind);
    }

    /// <inheritdoc />
    public void Flush()
    {
        long written = _buffered;
        WriteBuffer();
        if (_file is not null && _dirty)
        {
            _file.Flush(flushToDisk: false);
            bool sync = _options.FsyncPolicy switch
            {
                FsyncPolicy.EveryBatch => true,
                FsyncPolicy.Interval => Stopwatch.GetTimestamp() - _lastFsync >= _fsyncIntervalTicks,
                _ => false,
            };
            if (sync)
            {
                Fsync();
            }
        }

        Volatile.Write(ref _flushedSequence, _lastAppended);
        if (written > 0)
        {
            Wrote?.Invoke(written);
        }
    }

    /// <summary>Waits until every record up to <paramref name="sequence"/> has been flushed; false on timeout.</summary>
    public async Task<bool> WaitFlushedAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (FlushedSequence < sequence)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Flushes, fsyncs and closes the current segment.</summary>
    public void Dispose()
    {
        if (_file is null)
        {
            return;
        }

        Flush();
        Fsync();
        _file.Dispose();
        _file = null;
    }

    private void Roll(long firstSequence)
    {
        if (_file is not null)
        {
            WriteBuffer();
            Fsync();
            _file.Dispose();
        }

        string path = Path.Combine(_directory, JournalSegmentHeader.FileName(firstSequence));
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        Span<byte> header = stackalloc byte[JournalSegmentHeader.Size];
        (_template with { FirstSequence = firstSequence }).Write(header);
        _file.Write(header);
        _file.Flush(flushToDisk: true);
        _bytesWritten += JournalSegmentHeader.Size;
        _segmentBytes = JournalSegmentHeader.Size;
    }

    private void WriteBuffer()
    {
        if (_buffered == 0 || _file is null)
        {
            return;
        }

        _file.Write(_buffer, 0, _buffered);
        Volatile.Write(ref _bytesWritten, _bytesWritten + _buffered);
        _buffered = 0;
        _dirty = true;
    }

    private void Fsync()
    {
        if (_file is null)
        {
            return;
        }

        long start = Stopwatch.GetTimestamp();
        _file.Flush(flushToDisk: true);
        _lastFsync = Stopwatch.GetTimestamp();
        _dirty = false;
        Fsynced?.Invoke((double)(_lastFsync - start) / Stopwatch.Frequency);
    }
}
