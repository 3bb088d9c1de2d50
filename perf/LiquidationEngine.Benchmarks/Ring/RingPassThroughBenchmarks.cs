using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using LiquidationEngine.Ring;

namespace LiquidationEngine.Benchmarks.Ring;

/// <summary>
/// One producer (the benchmark thread) passes <see cref="Events"/> 32-byte structs to one consumer on its own
/// thread, then waits until the consumer has seen the last one. Our ring (single producer) against a bounded
/// <see cref="Channel{T}"/> with SingleReader/SingleWriter. Reported time is per event.
/// </summary>
/// <remarks>
/// Each benchmark sets up only its own consumer, so a busy-spinning one never runs beside another benchmark.
/// The busy-spin variant needs two free cores; on a shared machine prefer the yielding one.
/// </remarks>
[MemoryDiagnoser]
public class RingPassThroughBenchmarks
{
    private const int Events = 10_000_000;
    private const int Capacity = 64 * 1024;

    private RingBuffer<PassThroughEvent>? _ring;
    private BatchEventProcessor<PassThroughEvent, ChecksumHandler>? _processor;

    private Channel<PassThroughEvent>? _channel;
    private Thread? _channelReader;

    /// <summary>Events the channel reader has taken; written once per drained burst, like the ring's per-batch sequence.</summary>
    private long _channelConsumed;

    [GlobalSetup(Target = nameof(RingBusySpin))]
    public void SetupBusySpin() => SetupRing(new BusySpinWaitStrategy());

    [GlobalSetup(Target = nameof(RingYielding))]
    public void SetupYielding() => SetupRing(new YieldingWaitStrategy());

    [GlobalSetup(Target = nameof(RingBlocking))]
    public void SetupBlocking() => SetupRing(new BlockingWaitStrategy());

    [GlobalSetup(Target = nameof(BoundedChannel))]
    public void SetupChannel()
    {
        _channel = Channel.CreateBounded<PassThroughEvent>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        ChannelReader<PassThroughEvent> reader = _channel.Reader;
        _channelReader = new Thread(() => ReadChannel(reader)) { Name = "channel-consumer", IsBackground = true };
        _channelReader.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _processor?.Stop(TimeSpan.FromSeconds(10));
        _channel?.Writer.TryComplete();
        _channelReader?.Join(TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long BoundedChannel()
    {
        ChannelWriter<PassThroughEvent> writer = _channel!.Writer;
        long target = Volatile.Read(ref _channelConsumed) + Events;
        for (long i = 0; i < Events; i++)
        {
            var item = new PassThroughEvent { Sequence = i, Price = i, Quantity = 1, TimestampTicks = i };
            if (!writer.TryWrite(item))
            {
                WriteWhenRoom(writer, item);
            }
        }

        SpinWait wait = default;
        while (Volatile.Read(ref _channelConsumed) < target)
        {
            wait.SpinOnce();
        }

        return target;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public long RingBusySpin() => PassThroughRing();

    [Benchmark(OperationsPerInvoke = Events)]
    public long RingYielding() => PassThroughRing();

    [Benchmark(OperationsPerInvoke = Events)]
    public long RingBlocking() => PassThroughRing();

    private long PassThroughRing()
    {
        RingBuffer<PassThroughEvent> ring = _ring!;
        long last = 0;
        for (long i = 0; i < Events; i++)
        {
            last = ring.Next();
            ref PassThroughEvent slot = ref ring[last];
            slot.Sequence = i;
            slot.Price = i;
            slot.Quantity = 1;
            slot.TimestampTicks = i;
            ring.Publish(last);
        }

        Sequence consumed = _processor!.Sequence;
        SpinWait wait = default;
        while (consumed.Value < last)
        {
            wait.SpinOnce();
        }

        return last;
    }

    private void SetupRing(IWaitStrategy waitStrategy)
    {
        _ring = RingBuffer<PassThroughEvent>.CreateSingleProducer(Capacity, waitStrategy);
        _processor = new BatchEventProcessor<PassThroughEvent, ChecksumHandler>(_ring, _ring.NewBarrier(), default);
        _ring.AddGatingSequences(_processor.Sequence);
        _processor.Start("ring-consumer");
    }

    private static void WriteWhenRoom(ChannelWriter<PassThroughEvent> writer, PassThroughEvent item)
    {
        while (!writer.TryWrite(item))
        {
            ValueTask<bool> room = writer.WaitToWriteAsync();
            if (!(room.IsCompleted ? room.Result : room.AsTask().GetAwaiter().GetResult()))
            {
                return; // completed: the benchmark is being torn down
            }
        }
    }

    private void ReadChannel(ChannelReader<PassThroughEvent> reader)
    {
        long count = 0;
        long checksum = 0;
        while (true)
        {
            while (reader.TryRead(out PassThroughEvent item))
            {
                checksum += item.Price;
                count++;
            }

            Volatile.Write(ref _channelConsumed, count);
            ValueTask<bool> more = reader.WaitToReadAsync();
            if (!(more.IsCompleted ? more.Result : more.AsTask().GetAwaiter().GetResult()))
            {
                GC.KeepAlive(checksum);
                return;
            }
        }
    }

    /// <summary>Touches every event, as a real consumer would; the checksum keeps the reads from being optimised away.</summary>
    private struct ChecksumHandler : IEventHandler<PassThroughEvent>
    {
        private long _checksum;

        public void OnEvent(ref PassThroughEvent data, long sequence, bool endOfBatch) => _checksum += data.Price;
    }
}
