#pragma once

// Readiness for thousands of raw sockets through one epoll set, watched by one QSocketNotifier:
// Qt's own dispatcher polls every notifier's descriptor on each loop iteration, which costs more
// than the load it generates once a process holds thousands of sockets.

#include <QObject>

class QSocketNotifier;

class EpollLoop : public QObject
{
    Q_OBJECT
public:
    class Client
    {
    public:
        virtual ~Client() = default;
        virtual void readyRead() = 0;
        virtual void readyWrite() = 0;
        virtual void hangUp() = 0;
    };

    explicit EpollLoop(QObject *parent = nullptr);
    ~EpollLoop() override;

    bool add(int fd, Client *client, bool wantWrite);
    void setWantWrite(int fd, Client *client, bool wantWrite);
    void remove(int fd);

private:
    void dispatch();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
};
