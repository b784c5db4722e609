#pragma once

#include "orders/orderfaker.h"

#include <QObject>
#include <QSet>
#include <QTextStream>
#include <QTimer>

namespace caps {

class VendorAgent;

// `caps-vendor --headless`: a fake order at once and then every interval, as the lab's vendor;
// "VENDOR: Thank you for delivering ORDER" on stdout for each delivered one. With a count, stops
// ordering after `count` orders and finishes with 0 once they are all delivered.
class VendorConsole : public QObject
{
    Q_OBJECT
public:
    // count < 0: unlimited.
    VendorConsole(VendorAgent *agent, int intervalMs, int count, QObject *parent = nullptr);
    // Orders for this customer instead of random names, so that a customer can follow them
    // (the demo's `caps-customer --customer NAME`).
    void setCustomer(const QString &name) { m_customer = name; }

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void placeOne();

    VendorAgent *m_agent;
    int m_count;
    int m_delivered = 0;
    QSet<QString> m_placed;
    OrderFaker m_faker;
    QString m_customer;
    QTimer m_timer;
    QTextStream m_out;
};

} // namespace caps
