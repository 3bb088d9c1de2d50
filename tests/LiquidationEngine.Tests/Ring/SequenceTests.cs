using System.Reflection;
using System.Runtime.InteropServices;
using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class SequenceTests
{
    [Fact]
    public void A_new_sequence_starts_at_minus_one_so_the_first_event_is_sequence_zero()
    {
        Assert.Equal(-1, new Sequence().Value);
        Assert.Equal(Sequence.InitialValue, new Sequence().Value);
    }

    [Fact]
    public void CompareAndSet_swaps_only_when_the_expected_value_matches()
    {
        var sequence = new Sequence(5);

        Assert.False(sequence.CompareAndSet(4, 10));
        Assert.Equal(5, sequence.Value);
        Assert.True(sequence.CompareAndSet(5, 10));
        Assert.Equal(10, sequence.Value);
    }

    [Fact]
    public void IncrementAndGet_and_AddAndGet_return_the_new_value()
    {
        var sequence = new Sequence();

        Assert.Equal(0, sequence.IncrementAndGet());
        Assert.Equal(7, sequence.AddAndGet(7));
        sequence.SetValue(20);
        Assert.Equal(20, sequence.Value);
        sequence.SetValueVolatile(21);
        Assert.Equal(21, sequence.Value);
    }

    [Fact]
    public void Concurrent_increments_are_never_lost()
    {
        var sequence = new Sequence(0);
        var threads = Enumerable.Range(0, 2)
            .Select(_ => new Thread(() =>
            {
                for (int i = 0; i < 100_000; i++)
                {
                    sequence.IncrementAndGet();
                }
            }))
            .ToArray();

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(Eventually.Patience));
        }

        Assert.Equal(200_000, sequence.Value);
    }

    [Fact]
    public void The_value_has_a_full_cache_line_of_padding_on_each_side()
    {
        StructLayoutAttribute layout = typeof(Sequence).StructLayoutAttribute!;
        FieldInfo[] fields = typeof(Sequence).GetFields(BindingFlags.Instance | BindingFlags.NonPublic);
        FieldInfo value = Assert.Single(fields);
        int offset = value.GetCustomAttribute<FieldOffsetAttribute>()!.Value;

        Assert.Equal(LayoutKind.Explicit, layout.Value);
        Assert.Equal(typeof(long), value.FieldType);
        Assert.True(offset >= 56, $"offset {offset}: less than 56 bytes before the value");
        Assert.True(layout.Size - offset - sizeof(long) >= 56, $"size {layout.Size}: less than 56 bytes after the value");
    }
}
