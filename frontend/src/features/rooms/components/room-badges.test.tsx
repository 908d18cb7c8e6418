import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RoomBadges } from './room-badges';

describe('RoomBadges', () => {
  it('OKUnreadOnly', () => {
    const { container } = render(<RoomBadges unread={3} />);
    expect(screen.getByLabelText('3 unread')).toHaveTextContent('3');
    expect(container.querySelector('.badge-mention')).toBeNull();
  });
  it('OKMentionsAndUnread', () => {
    render(<RoomBadges unread={150} mentions={1} />);
    expect(screen.getByLabelText('1 mention')).toHaveTextContent('@1');
    expect(screen.getByLabelText('150 unread')).toHaveTextContent('99+');
  });
  it('OKNothingAtZero', () => {
    const { container } = render(<RoomBadges unread={0} mentions={0} />);
    expect(container).toBeEmptyDOMElement();
  });
  it('OKAbsentCounts', () => {
    const { container } = render(<RoomBadges />);
    expect(container).toBeEmptyDOMElement();
  });
});
