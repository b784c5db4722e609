#include "labpeer.h"

#include <QJsonDocument>

LabPeer::LabPeer(const QString &script, Role role, const QUrl &url, const QString &store, QObject *parent)
    : QObject(parent)
    , m_script(script)
    , m_role(role)
    , m_url(url)
    , m_store(store)
{
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &LabPeer::readLines);
}

LabPeer::~LabPeer()
{
    if (m_process.state() != QProcess::NotRunning) {
        // Its stdin closing ends it; kill it if it does not go.
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(2000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool LabPeer::start(int deliverDelayMs)
{
    QStringList arguments{m_script, QStringLiteral("--role"),
                          m_role == Role::Vendor ? QStringLiteral("vendor") : QStringLiteral("driver"),
                          QStringLiteral("--url"), m_url.toString()};
    if (m_role == Role::Vendor)
        arguments << QStringLiteral("--store") << m_store;
    else
        arguments << QStringLiteral("--deliver-delay") << QString::number(deliverDelayMs);
    m_process.start(QStringLiteral("node"), arguments);
    return m_process.waitForStarted(10000);
}

void LabPeer::place(const QJsonObject &order)
{
    command("pickup " + QJsonDocument(order).toJson(QJsonDocument::Compact));
}

void LabPeer::drop()
{
    command("drop");
}

void LabPeer::leave(int ms)
{
    command("leave " + QByteArray::number(ms));
}

void LabPeer::command(const QByteArray &line)
{
    m_process.write(line + '\n');
}

void LabPeer::readLines()
{
    m_buffer += m_process.readAllStandardOutput();
    qsizetype end = 0;
    while ((end = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(end).trimmed();
        m_buffer.remove(0, end + 1);
        const QList<QByteArray> words = line.split(' ');
        const QByteArray &word = words.constFirst();
        if (word == "STATE" && words.size() >= 3) {
            m_connected = words.at(1) == "1";
            m_unconfirmed = words.at(2).toInt();
        } else if (word == "DELIVERED" && words.size() >= 2) {
            Q_EMIT delivered(QString::fromUtf8(words.at(1)));
        } else if (word == "MISROUTED") {
            Q_EMIT misrouted(QString::fromUtf8(line));
        } else if (word == "ABANDONED") {
            Q_EMIT abandoned(QString::fromUtf8(line));
        }
    }
}
