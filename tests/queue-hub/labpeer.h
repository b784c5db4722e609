#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QUrl>

// A lab-style client in a chaos run: tests/interop/chaos-peer.js, socket.io-client 4.x with its
// default transports, speaking the lab's Phase 3 protocol (getAll on every connection, received
// for what it handled, each step sent until confirmed). Driven over its stdin, read on its stdout.
class LabPeer : public QObject
{
    Q_OBJECT
public:
    enum class Role { Vendor, Driver };

    LabPeer(const QString &script, Role role, const QUrl &url, const QString &store, QObject *parent = nullptr);
    ~LabPeer() override;

    // deliverDelayMs: a driver's time between its in-transit's confirmation and delivered.
    bool start(int deliverDelayMs = 0);
    [[nodiscard]] QString errorString() const { return m_process.errorString(); }
    [[nodiscard]] bool isRunning() const { return m_process.state() == QProcess::Running; }
    [[nodiscard]] bool isConnected() const { return m_connected; }
    [[nodiscard]] int unconfirmedCount() const { return m_unconfirmed; }
    [[nodiscard]] Role role() const { return m_role; }
    [[nodiscard]] QString store() const { return m_store; }

    void place(const QJsonObject &order);
    // The network fails under it; it reconnects by itself.
    void drop();
    // It disconnects, and connects again after `ms`.
    void leave(int ms);

Q_SIGNALS:
    void delivered(const QString &orderId);
    // A store step of another store, or a step the hub refused for good: the line as printed.
    void misrouted(const QString &line);
    void abandoned(const QString &line);

private:
    void readLines();
    void command(const QByteArray &line);

    QString m_script;
    Role m_role;
    QUrl m_url;
    QString m_store;
    QProcess m_process;
    QByteArray m_buffer;
    bool m_connected = false;
    int m_unconfirmed = 0;
};
