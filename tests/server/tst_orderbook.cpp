// caps::OrderBook: the lifecycle it enforces (tst_capshub has it on the wire) and its bounds:
// past maxOrders orders or maxBytes of payload text the least recently touched are forgotten,
// however often the others were touched since, and an undone new order leaves nothing behind.

#include "catalogue/eventcatalogue.h"
#include "hub/orderbook.h"

#include <QtTest>

using caps::EventCatalogue;
using caps::HubEvent;
using caps::OrderBook;
using caps::OrderStatus;

class TestOrderBook : public QObject
{
    Q_OBJECT

    static const caps::CapsEvent &event(const QString &name) { return *EventCatalogue::standard().find(name); }

    static HubEvent hubEvent(const QString &name, const QString &orderId, const QByteArray &payloadJson = "{}",
                             const QDateTime &time = {})
    {
        HubEvent e;
        e.event = name;
        e.orderId = orderId;
        e.payloadJson = payloadJson;
        e.time = time;
        return e;
    }

    static QDateTime at(int second) { return QDateTime(QDate(2026, 12, 4), QTime(12, 0, second), Qt::UTC); }

    static void pickup(OrderBook &book, const QString &orderId, const QByteArray &payloadJson = "{}")
    {
        book.apply(event(EventCatalogue::kPickup), orderId, QStringLiteral("vendor"));
        book.remember(hubEvent(EventCatalogue::kPickup, orderId, payloadJson));
    }

private slots:
    void lifecycle()
    {
        OrderBook book(OrderBook::Limits{});
        pickup(book, "o-1");
        QCOMPARE(book.status("o-1"), std::optional(OrderStatus::Ordered));
        QCOMPARE(book.check(event(EventCatalogue::kInTransit), "o-1", "d1").verdict, OrderBook::Verdict::Apply);
        book.apply(event(EventCatalogue::kInTransit), "o-1", "d1");
        QCOMPARE(book.taker("o-1"), QString("d1"));
        QCOMPARE(book.check(event(EventCatalogue::kInTransit), "o-1", "d1").verdict, OrderBook::Verdict::Repeat);
        QCOMPARE(book.check(event(EventCatalogue::kDelivered), "o-1", "d2").verdict, OrderBook::Verdict::Refuse);
        QCOMPARE(book.check(event(EventCatalogue::kCancel), "o-1", "v").verdict, OrderBook::Verdict::Refuse);
        book.apply(event(EventCatalogue::kDelivered), "o-1", "d1");
        QCOMPARE(book.status("o-1"), std::optional(OrderStatus::Delivered));
        // Delivered is past in-transit: a late in-transit from the taker is a repeat.
        QCOMPARE(book.check(event(EventCatalogue::kInTransit), "o-1", "d1").verdict, OrderBook::Verdict::Repeat);
        QCOMPARE(book.taker("nobody"), QString());
    }

    // The `orders` and `track` answers say when each step was made, not only the latest: a
    // vendor that starts again shows how long its orders waited and travelled.
    void remembersWhenEachStepWasMade()
    {
        using caps::OrderStep;
        OrderBook book(OrderBook::Limits{});
        QVERIFY(book.steps("o-1").isEmpty());
        book.apply(event(EventCatalogue::kPickup), "o-1", "vendor");
        book.remember(hubEvent(EventCatalogue::kPickup, "o-1", "{}", at(1)));
        book.apply(event(EventCatalogue::kInTransit), "o-1", "d1");
        book.remember(hubEvent(EventCatalogue::kInTransit, "o-1", "{}", at(5)));
        // A repeat of a step the order made did not make it again.
        book.remember(hubEvent(EventCatalogue::kPickup, "o-1", "{}", at(7)));
        book.apply(event(EventCatalogue::kDelivered), "o-1", "d1");
        book.remember(hubEvent(EventCatalogue::kDelivered, "o-1", "{}", at(9)));
        QCOMPARE(book.steps("o-1"),
                 (QList<OrderStep>{{EventCatalogue::kPickup, at(1)},
                                   {EventCatalogue::kInTransit, at(5)},
                                   {EventCatalogue::kDelivered, at(9)}}));
        // An event that moves no order on is no step.
        book.remember(hubEvent(EventCatalogue::kTaken, "o-2", "{}", at(2)));
        QVERIFY(book.steps("o-2").isEmpty());
        // A cancelled order: its pickup and its cancel.
        pickup(book, "o-3");
        book.remember(hubEvent(EventCatalogue::kPickup, "o-3", "{}", at(3)));
        book.apply(event(EventCatalogue::kCancel), "o-3", "vendor");
        book.remember(hubEvent(EventCatalogue::kCancel, "o-3", "{}", at(4)));
        QCOMPARE(book.steps("o-3"),
                 (QList<OrderStep>{{EventCatalogue::kPickup, at(3)}, {EventCatalogue::kCancel, at(4)}}));
        // Restored from the store, which keeps the latest event only: its step is all we know.
        OrderBook restored(OrderBook::Limits{});
        restored.restore("o-1", OrderStatus::Delivered, "d1", hubEvent(EventCatalogue::kDelivered, "o-1", "{}", at(9)));
        QCOMPARE(restored.steps("o-1"), (QList<OrderStep>{{EventCatalogue::kDelivered, at(9)}}));
    }

    void forgetsTheLeastRecentlyTouched()
    {
        OrderBook book(OrderBook::Limits{3, qint64(1) << 30});
        for (const char *id : {"a", "b", "c"})
            pickup(book, id);
        // Touch "a" and "c" many times: their old entries must not make it the oldest, nor pile up.
        for (int i = 0; i < 500; ++i)
            book.remember(hubEvent(EventCatalogue::kPickup, i % 2 ? "a" : "c"));
        pickup(book, "d"); // over the limit: "b" is the least recently touched
        QCOMPARE(book.size(), 3);
        QVERIFY(!book.status("b"));
        for (const char *id : {"a", "c", "d"})
            QVERIFY2(book.status(id), id);
        pickup(book, "e"); // then "c" (touched just before "a", last)
        QVERIFY(!book.status("c"));
        QVERIFY(book.status("a") && book.status("d") && book.status("e"));
    }

    void forgetsPastTheBytesLimit()
    {
        OrderBook book(OrderBook::Limits{100, 10});
        pickup(book, "a", "12345");
        pickup(book, "b", "12345");
        QCOMPARE(book.bytes(), 10);
        pickup(book, "c", "123");
        QVERIFY(!book.status("a"));
        QCOMPARE(book.bytes(), 8);
        // A larger payload for "b" replaces its old one in the count.
        book.remember(hubEvent(EventCatalogue::kPickup, "b", "1234567"));
        QCOMPARE(book.bytes(), 10);
    }

    void undoOfANewOrderLeavesNothing()
    {
        OrderBook book(OrderBook::Limits{2, qint64(1) << 30});
        pickup(book, "a");
        const OrderBook::Undo undo = book.apply(event(EventCatalogue::kPickup), "new", "vendor");
        QCOMPARE(book.size(), 2);
        book.undo(undo);
        QCOMPARE(book.size(), 1);
        QVERIFY(!book.status("new"));
        // Its left-over recency entry does not count: two more orders fit with "a" gone first.
        pickup(book, "b");
        QCOMPARE(book.size(), 2);
        QVERIFY(book.status("a") && book.status("b"));
        pickup(book, "c");
        QVERIFY(!book.status("a"));
        QVERIFY(book.status("b") && book.status("c"));
    }
};

QTEST_GUILESS_MAIN(TestOrderBook)
#include "tst_orderbook.moc"
