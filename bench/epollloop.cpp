#include "epollloop.h"

#include <QSocketNotifier>

#include <sys/epoll.h>
#include <unistd.h>

EpollLoop::EpollLoop(QObject *parent)
    : QObject(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll >= 0) {
        m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &EpollLoop::dispatch);
    }
}

EpollLoop::~EpollLoop()
{
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollLoop::add(int fd, Client *client, bool wantWrite)
{
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (wantWrite ? quint32(EPOLLOUT) : 0u);
    event.data.ptr = client;
    return m_epoll >= 0 && epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EpollLoop::setWantWrite(int fd, Client *client, bool wantWrite)
{
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (wantWrite ? quint32(EPOLLOUT) : 0u);
    event.data.ptr = client;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
}

void EpollLoop::remove(int fd)
{
    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
}

void EpollLoop::dispatch()
{
    // A bounded number of rounds, so that timers and stdin still get their turn under load.
    epoll_event events[256];
    for (int round = 0; round < 8; ++round) {
        const int n = epoll_wait(m_epoll, events, 256, 0);
        for (int i = 0; i < n; ++i) {
            auto *client = static_cast<Client *>(events[i].data.ptr);
            const quint32 e = events[i].events;
            if (e & EPOLLOUT)
                client->readyWrite();
            if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                client->readyRead();
        }
        if (n < 256)
            return;
    }
}
