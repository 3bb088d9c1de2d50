using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

/// <summary>The engine's pipeline shape: a journal stage and the business-logic stage both consume the input ring,
/// and the output stage may only see an event once both have handled it.</summary>
[Collection(SerialRingTests.Name)]
public sealed class ChainedStageTests
{
    private struct Order
    {
        public long Id;
        public bool Journaled;
        public bool Matched;
    }

    /// <summary>Everything the output stage checks, shared with the test thread.</summary>
    private sealed class OutputObservations
    {
        public Sequence? Journal;
        public Sequence? Logic;
        public long Count;
        public long SeenBeforeJournal;
        public long SeenBeforeLogic;
        public long OutOfOrder;
    }

    /// <summary>Marks the event, and now and then gives up the core so the later stage presses against it.</summary>
    private struct JournalStage : IEventHandler<Order>
    {
        public readonly void OnEvent(ref Order data, long sequence, bool endOfBatch)
        {
            data.Journaled = true;
            if ((sequence & 255) == 0)
            {
                Thread.Yield();
            }
        }
    }

    private struct LogicStage : IEventHandler<Order>
    {
        public readonly void OnEvent(ref Order data, long sequence, bool endOfBatch)
        {
            data.Matched = true;
            if ((sequence & 511) == 0)
            {
                Thread.Yield();
            }
        }
    }

    private struct OutputStage(OutputObservations seen) : IEventHandler<Order>
    {
        public readonly void OnEvent(ref Order data, long sequence, bool endOfBatch)
        {
            // Both the upstream sequences and the upstream writes into the slot must be visible here.
            if (!data.Journaled || seen.Journal!.Value < sequence)
            {
                seen.SeenBeforeJournal++;
            }

            if (!data.Matched || seen.Logic!.Value < sequence)
            {
                seen.SeenBeforeLogic++;
            }

            if (data.Id != sequence || sequence != seen.Count)
            {
                seen.OutOfOrder++;
            }

            seen.Count++;
        }
    }

    [Theory]
    [MemberData(nameof(TestWaitStrategies.NonSpinning), MemberType = typeof(TestWaitStrategies))]
    public void An_output_stage_never_sees_an_event_before_the_journal_and_the_logic_stage_have_handled_it(string waitStrategy)
    {
        const int Events = 200_000;
        RingBuffer<Order> ring = RingBuffer<Order>.CreateSingleProducer(64, WaitStrategies.Create(waitStrategy));
        var journal = new BatchEventProcessor<Order, JournalStage>(ring, ring.NewBarrier(), default);
        var logic = new BatchEventProcessor<Order, LogicStage>(ring, ring.NewBarrier(), default);
        var seen = new OutputObservations { Journal = journal.Sequence, Logic = logic.Sequence };
        var output = new BatchEventProcessor<Order, OutputStage>(
            ring, ring.NewBarrier(journal.Sequence, logic.Sequence), new OutputStage(seen));

        // Only the last stage gates the producer: the earlier ones are always ahead of it.
        ring.AddGatingSequences(output.Sequence);

        using (ProcessorScope.Start(journal, "journal-stage"))
        using (ProcessorScope.Start(logic, "logic-stage"))
        using (ProcessorScope.Start(output, "output-stage"))
        {
            for (long i = 0; i < Events; i++)
            {
                long s = ring.Next();
                ring[s] = new Order { Id = i };
                ring.Publish(s);
            }

            Assert.True(Eventually.Holds(() => output.Sequence.Value == Events - 1));
        }

        Assert.Null(journal.Fault);
        Assert.Null(logic.Fault);
        Assert.Null(output.Fault);
        Assert.Equal(Events, seen.Count);
        Assert.Equal(0, seen.SeenBeforeJournal);
        Assert.Equal(0, seen.SeenBeforeLogic);
        Assert.Equal(0, seen.OutOfOrder);
    }

    [Fact]
    public void A_stage_waits_for_its_upstream_stage_even_when_the_producer_has_published()
    {
        RingBuffer<Order> ring = RingBuffer<Order>.CreateSingleProducer(16, new BlockingWaitStrategy());
        var upstream = new Sequence(); // an upstream stage that has handled nothing yet
        SequenceBarrier barrier = ring.NewBarrier(upstream);
        ring.AddGatingSequences(upstream);

        for (int i = 0; i < 5; i++)
        {
            ring.Publish(ring.Next());
        }

        Assert.Equal(SequenceBarrier.TimedOut, barrier.WaitFor(0, TimeSpan.FromMilliseconds(20)));

        upstream.SetValue(2);

        Assert.Equal(2, barrier.WaitFor(0));
        Assert.Equal(SequenceBarrier.TimedOut, barrier.WaitFor(3, TimeSpan.FromMilliseconds(20)));
    }
}
