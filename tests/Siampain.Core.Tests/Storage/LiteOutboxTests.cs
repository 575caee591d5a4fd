using System.Text;
using Siampain.Storage;

namespace Siampain.Tests.Storage;

public sealed class LiteOutboxTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sequence_numbers_are_gap_free_and_pending_messages_come_in_sequence_order()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        for (var i = 0; i < 50; i++)
        {
            db.Write(() => outbox.Enqueue("t/a", e => Encoding.UTF8.GetBytes($"{e.Sequence}")), durable: i % 10 == 0);
        }

        var pending = outbox.PeekPending(100);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), pending.Select(m => m.Sequence));
        Assert.Equal(pending.Select(m => m.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), pending.Select(m => Encoding.UTF8.GetString(m.Payload)));
        Assert.Equal(50, pending.Select(m => m.EventId).Distinct().Count());
        Assert.All(pending, m => Assert.Equal(7, Guid.Parse(m.EventId).Version));
        Assert.Equal(50, outbox.PendingCount);
        Assert.Equal([1L, 2L], outbox.PeekPending(2).Select(m => m.Sequence));
    }

    [Fact]
    public void Marked_messages_leave_and_the_sequence_continues_after_a_restart()
    {
        using (var db = _temp.Open())
        {
            var outbox = new LiteOutbox(db, new OutboxOptions());
            for (var i = 0; i < 3; i++)
            {
                db.Write(() => outbox.Enqueue("t", _ => [1]));
            }

            outbox.MarkSent(1);
            outbox.MarkSent(2);
            outbox.MarkSent(3);
            Assert.Equal(0, outbox.PendingCount);
        }

        using var again = _temp.Open();
        var reopened = new LiteOutbox(again, new OutboxOptions());
        Assert.Equal(0, reopened.PendingCount);
        again.Write(() => reopened.Enqueue("t", _ => [2]));
        Assert.Equal(4, Assert.Single(reopened.PeekPending(10)).Sequence);
    }

    [Fact]
    public void Acknowledged_events_are_deleted_at_once_and_unknown_or_repeated_marks_are_ignored()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        for (var i = 0; i < 20; i++)
        {
            db.Write(() => outbox.Enqueue("t", _ => [1]), durable: false);
        }

        outbox.MarkSent([1L, 2L, 3L, 4L]);
        outbox.MarkSent(5);
        outbox.MarkSent(3);
        outbox.MarkSent([999L, 4L]);

        Assert.Equal(15, outbox.PendingCount);
        Assert.Equal([6L, 7L], outbox.PeekPending(2).Select(m => m.Sequence));
        Assert.Equal(15, db.Collection<OutboxDocument>(LiteOutbox.CollectionName).Count());
    }

    [Fact]
    public void Marks_not_yet_written_are_written_when_the_outbox_is_disposed()
    {
        using (var db = _temp.Open())
        {
            using var outbox = new LiteOutbox(db, new OutboxOptions());
            db.Write(() => outbox.Enqueue("t", _ => [1]));
            db.Write(() => outbox.Enqueue("t", _ => [2]));
            outbox.MarkSent(1);
        }

        using var again = _temp.Open();
        Assert.Equal([2L], new LiteOutbox(again, new OutboxOptions()).PeekPending(10).Select(m => m.Sequence));
    }

    [Fact]
    public void A_rolled_back_transaction_takes_its_event_and_its_sequence_number_back()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        db.Write(() => outbox.Enqueue("t", _ => [1]));

        Assert.Throws<InvalidOperationException>(() => db.Write(() =>
        {
            db.Collection<SiampainDatabaseTests.Item>("records").Insert(new SiampainDatabaseTests.Item { Id = 1 });
            outbox.Enqueue("t", _ => [2]);
            throw new InvalidOperationException("the record could not be completed");
        }));
        db.Write(() => outbox.Enqueue("t", _ => [3]));

        Assert.Equal([1L, 2L], outbox.PeekPending(10).Select(m => m.Sequence));
        Assert.Equal([1, 3], outbox.PeekPending(10).Select(m => (int)m.Payload[0]));
        Assert.Equal(0, db.Collection<SiampainDatabaseTests.Item>("records").Count());
        Assert.Equal(2, outbox.PendingCount);
    }

    [Fact]
    public void An_event_cannot_be_added_outside_a_transaction()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        Assert.Throws<InvalidOperationException>(() => outbox.Enqueue("t", _ => [1]));
    }

    [Fact]
    public async Task Waiting_for_pending_messages_ends_when_one_is_added()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        var waiting = outbox.WaitForPendingAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        db.Write(() => outbox.Enqueue("t", _ => [1]));

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        await outbox.WaitForPendingAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions());
        using var cancel = new CancellationTokenSource();
        var waiting = outbox.WaitForPendingAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void The_status_says_near_and_over_the_limit_but_nothing_is_dropped()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions { MaxPending = 100, NearLimitPercent = 80 });
        for (var i = 0; i < 79; i++)
        {
            db.Write(() => outbox.Enqueue("t", _ => [1]), durable: false);
        }

        Assert.Equal(OutboxLevel.Normal, outbox.GetStatus().Level);
        db.Write(() => outbox.Enqueue("t", _ => [1]), durable: false);
        Assert.Equal(OutboxLevel.NearLimit, outbox.GetStatus().Level);
        for (var i = 0; i < 30; i++)
        {
            db.Write(() => outbox.Enqueue("t", _ => [1]), durable: false);
        }

        var status = outbox.GetStatus();
        Assert.Equal(OutboxLevel.OverLimit, status.Level);
        Assert.Equal(110, status.Pending);
        Assert.Equal(110, outbox.PeekPending(1000).Count);
    }

    [Fact]
    public void Old_pending_events_raise_the_level_by_age()
    {
        var db = _temp.Open();
        var outbox = new LiteOutbox(db, new OutboxOptions { MaxAgeHours = 10 });
        db.Write(() => outbox.Enqueue("t", _ => [1]));
        _temp.Time.Advance(TimeSpan.FromHours(9));
        Assert.Equal(OutboxLevel.NearLimit, outbox.GetStatus().Level);
        _temp.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(OutboxLevel.OverLimit, outbox.GetStatus().Level);
    }
}
