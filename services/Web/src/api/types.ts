import type { Citation } from '../lib/citations';

export interface Me {
  id: string;
  email: string;
  name: string | null;
  role: 'fan' | 'creator' | 'admin';
  tier: 'free' | 'premium' | 'enterprise';
  usage: { messages_this_month: number; monthly_quota: number | null; requests_this_hour: number; hourly_limit: number };
}

export interface Creator {
  id: string;
  slug: string;
  name: string;
  specialty: string | null;
  description: string | null;
  avatar_url: string | null;
  video_count: number;
}

export interface Conversation {
  id: string;
  creator_id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  created_at: string;
  feedback: { rating: number; comment: string | null } | null;
}

export interface Video {
  video_id: string;
  title: string;
  url: string | null;
  chunk_count: number;
  status: string;
  error: string | null;
  job_id: string | null;
}

export interface Job {
  job_id: string;
  video_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  error: string | null;
}

export interface Question {
  question: string;
  count: number;
  last_asked_at: string;
}

export interface Insights {
  questions: number;
  answered: number;
  not_covered: number;
  thumbs_up: number;
  thumbs_down: number;
  top_questions: Question[];
  unanswered_questions: Question[];
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Me['role'];
  tier: Me['tier'];
  disabled: boolean;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  occurred_at: string;
  event: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  details: unknown;
}
